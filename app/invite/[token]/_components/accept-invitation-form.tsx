"use client";

import { signIn } from "next-auth/react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { acceptInvitation } from "@/lib/auth/actions";

/** Sets the invited person's name and password, then signs them straight in. */
export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const { onSubmit, pending, errors, formError } = useActionForm(acceptInvitation, async (data, form) => {
    await signIn("password", { email, password: String(form.get("password")), redirect: false });
    window.location.assign(`/t/${data.tenant}`);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {formError && <FormError message={formError} />}
      <input type="hidden" name="token" value={token} />
      <Field label="Your name" htmlFor="name" error={errors("name")}>
        <Input id="name" name="name" autoComplete="name" />
      </Field>
      <Field label="Password" htmlFor="password" error={errors("password")} hint="At least 12 characters.">
        <Input id="password" name="password" type="password" autoComplete="new-password" />
      </Field>
      <Field label="Confirm password" htmlFor="confirm" error={errors("confirm")}>
        <Input id="confirm" name="confirm" type="password" autoComplete="new-password" />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Join and sign in"}
      </Button>
    </form>
  );
}
