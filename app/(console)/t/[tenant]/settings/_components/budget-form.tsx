"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setMonthlyBudget } from "@/lib/tenancy/settings-actions";

/**
 * The tenant's monthly gateway budget in USD; empty means no cap. Only for those who may change
 * settings: the page shows everyone else the budget as a value.
 */
export function BudgetForm({ tenant, current }: { tenant: string; current: string | null }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(setMonthlyBudget, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="tenant" value={tenant} />
      <Field label="Monthly budget (USD)" htmlFor="budget" error={errors("monthlyBudgetUsd")} hint="Empty: no cap" className="w-56">
        <Input id="budget" name="monthlyBudgetUsd" inputMode="decimal" defaultValue={current ?? ""} aria-invalid={!!errors("monthlyBudgetUsd")} />
      </Field>
      <Button type="submit" disabled={pending} className="mb-6">{pending ? "Saving…" : "Save budget"}</Button>
      {formError && <FormError message={formError} />}
      {result?.ok && <FormSuccess message="Budget saved." />}
    </form>
  );
}
