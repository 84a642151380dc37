"use client";

import { Loader2 } from "lucide-react";
import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { Button, type ButtonProps } from "./button";

/** Props of SubmitButton: a Button's, plus what to say while the form is submitting. */
export type SubmitButtonProps = Omit<ButtonProps, "asChild" | "type"> & { pendingText?: ReactNode };

/**
 * A form's submit button that spins and disables itself while its form's action runs.
 * It must sit inside the <form>; useFormStatus only sees the enclosing form.
 */
export function SubmitButton({ children, pendingText, disabled, ...props }: SubmitButtonProps) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending || disabled} aria-busy={pending || undefined} {...props}>
      {pending && <Loader2 className="size-4 animate-spin" aria-hidden />}
      {pending && pendingText ? pendingText : children}
    </Button>
  );
}
