"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setContentRetention } from "@/lib/tenancy/settings-actions";

/**
 * Privacy mode for request content: input hashes only, or prompts and responses kept, redacted,
 * for a number of days. Only for those who may change settings: the page shows everyone else the
 * setting as a value.
 */
export function ContentRetentionForm({ tenant, current }: { tenant: string; current: number | null }) {
  const router = useRouter();
  const [mode, setMode] = useState<"hashes" | "content">(current === null ? "hashes" : "content");
  const { onSubmit, pending, errors, formError, result } = useActionForm(setContentRetention, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <div role="radiogroup" aria-label="What Keel stores of each request" className="space-y-3 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="hashes" checked={mode === "hashes"} onChange={() => setMode("hashes")} />
          Store input hashes only (default)
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="mode" value="content" checked={mode === "content"} onChange={() => setMode("content")} />
          Store prompts and responses, redacted, for a number of days
        </label>
      </div>
      {mode === "content" && (
        <Field label="Days to keep content" htmlFor="content-retention-days" error={errors("contentRetentionDays")} hint="1 to 3650" className="w-56">
          <Input
            id="content-retention-days"
            name="contentRetentionDays"
            inputMode="numeric"
            defaultValue={current ?? 30}
            aria-invalid={!!errors("contentRetentionDays")}
          />
        </Field>
      )}
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save"}</Button>
      {formError && <FormError message={formError} />}
      {result?.ok && <FormSuccess message="Saved. Gateways apply it to the next request." />}
    </form>
  );
}

