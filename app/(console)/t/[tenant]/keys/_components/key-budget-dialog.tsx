"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setKeyBudget } from "@/lib/monitoring/alerts/actions";
import type { KeyRow } from "./keys-table";

/** A key's own monthly budget: refuse its calls past it, or only alert. */
export function KeyBudgetDialog({ tenant, apiKey }: { tenant: string; apiKey: Pick<KeyRow, "id" | "name" | "monthlyBudgetUsd" | "budgetMode"> }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError, reset } = useActionForm(setKeyBudget, () => {
    setOpen(false);
    router.refresh();
  });
  return (
    <Dialog open={open} onOpenChange={(next) => { setOpen(next); if (!next) reset(); }}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm">Budget</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Budget of {apiKey.name}</DialogTitle>
          <DialogDescription>
            What this key may spend per calendar month (UTC). Alerts come at 80% and 100%. With “refuse”, its calls past the budget get 429
            insufficient_quota, on every instance within seconds; the tenant&apos;s own budget applies too.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          {formError && <FormError message={formError} />}
          <input type="hidden" name="tenant" value={tenant} />
          <input type="hidden" name="apiKeyId" value={apiKey.id} />
          <Field label="Monthly budget (USD)" htmlFor={`budget-${apiKey.id}`} error={errors("monthlyBudgetUsd")} hint="Empty: no budget of its own">
            <Input id={`budget-${apiKey.id}`} name="monthlyBudgetUsd" inputMode="decimal" defaultValue={apiKey.monthlyBudgetUsd ?? ""} aria-invalid={!!errors("monthlyBudgetUsd")} />
          </Field>
          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium">Past the budget</legend>
            <label className="flex items-center gap-2 text-sm"><input type="radio" name="mode" value="HARD" defaultChecked={apiKey.budgetMode === "HARD"} /> Refuse its calls</label>
            <label className="flex items-center gap-2 text-sm"><input type="radio" name="mode" value="SOFT" defaultChecked={apiKey.budgetMode === "SOFT"} /> Alert only</label>
          </fieldset>
          <DialogFooter><Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save budget"}</Button></DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
