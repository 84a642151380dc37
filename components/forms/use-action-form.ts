"use client";

import { useState, useTransition, type FormEvent } from "react";
import type { ActionResult } from "@/lib/tenancy/result";

/**
 * Binds a form to a server action made by the tenant-action factory. The form's fields go as
 * FormData; the result carries every field's errors, read with `errors(name)`. Submitting through
 * onSubmit (not the form's action) keeps what the person typed when the server says no.
 */
export function useActionForm<T>(
  action: (input: unknown) => Promise<ActionResult<T>>,
  onSuccess?: (data: T, form: FormData, element: HTMLFormElement) => void | Promise<void>,
) {
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [pending, startTransition] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    startTransition(async () => {
      const r = await action(form);
      setResult(r);
      if (r.ok) await onSuccess?.(r.data, form, element);
    });
  };
  const errors = (name: string) => (result && !result.ok ? result.fieldErrors?.[name] : undefined);
  const formError = result && !result.ok ? result.error : undefined;
  return { result, onSubmit, pending, errors, formError, reset: () => setResult(null) };
}
