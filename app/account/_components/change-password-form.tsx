"use client";

import { signOut } from "next-auth/react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { changePassword } from "@/lib/auth/actions";

/** Current password, then the new one twice; on success every session has ended, so this one signs out. */
export function ChangePasswordForm() {
  const { onSubmit, pending, errors, formError } = useActionForm(changePassword, () => signOut({ callbackUrl: "/sign-in" }));
  return (
    <form onSubmit={onSubmit} noValidate className="grid max-w-md gap-1">
      <Field label="Current password" htmlFor="current" error={errors("current")}>
        <Input id="current" name="current" type="password" autoComplete="current-password" aria-invalid={!!errors("current")} />
      </Field>
      <Field label="New password" htmlFor="new-password" error={errors("password")} hint="At least 12 characters">
        <Input id="new-password" name="password" type="password" autoComplete="new-password" aria-invalid={!!errors("password")} />
      </Field>
      <Field label="New password again" htmlFor="confirm-password" error={errors("confirm")}>
        <Input id="confirm-password" name="confirm" type="password" autoComplete="new-password" aria-invalid={!!errors("confirm")} />
      </Field>
      {formError && <FormError message={formError} />}
      <div>
        <Button type="submit" disabled={pending}>{pending ? "Changing…" : "Change password"}</Button>
      </div>
    </form>
  );
}
