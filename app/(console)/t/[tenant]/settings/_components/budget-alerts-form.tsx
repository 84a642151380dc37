"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setBudgetAlerts } from "@/lib/monitoring/alerts/actions";

/** The percentages of the monthly budget at which the tenant is alerted. */
export function BudgetAlertsForm({ tenant, current }: { tenant: string; current: number[] }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(setBudgetAlerts, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="tenant" value={tenant} />
      <Field label="Alert at (% of the monthly budget)" htmlFor="budget-alerts" error={errors("percents")} hint="Comma-separated, e.g. 50, 80, 100" className="w-72">
        <Input id="budget-alerts" name="percents" defaultValue={current.join(", ")} aria-invalid={!!errors("percents")} />
      </Field>
      <Button type="submit" disabled={pending} className="mb-6">{pending ? "Saving…" : "Save thresholds"}</Button>
      {formError && <FormError message={formError} />}
      {result?.ok && <FormSuccess message="Thresholds saved." />}
    </form>
  );
}
