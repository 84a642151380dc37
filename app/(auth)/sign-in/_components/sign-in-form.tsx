"use client";

import { signIn } from "next-auth/react";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { sameOriginPath } from "@/lib/auth/callback-url";
import { signInErrorMessage } from "@/lib/auth/sign-in-messages";

/**
 * Email and password sign-in; shows the server's reason when it refuses (wrong password,
 * throttled), but only as one of the known messages.
 */
export function SignInForm({ sso, initialError, callbackUrl }: { sso: string | null; initialError?: string; callbackUrl: string }) {
  const [error, setError] = useState(initialError);
  // The page already cleaned it; cleaning again here keeps this form safe wherever it is used.
  const next = () => sameOriginPath(callbackUrl, window.location.origin);
  const [pending, startTransition] = useTransition();

  // onSubmit rather than a form action: React resets a form after its action, and a person who
  // mistyped the password should not have to type the email again.
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      setError(undefined);
      const res = await signIn("password", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (res?.error) setError(signInErrorMessage(res.error));
      else window.location.assign(next());
    });
  };

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-4">
        {error && <FormError message={error} />}
        <Field label="Email" htmlFor="email">
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {sso && (
        <Button type="button" variant="outline" className="w-full" onClick={() => signIn("oidc", { callbackUrl: next() })}>
          Continue with {sso}
        </Button>
      )}
    </div>
  );
}
