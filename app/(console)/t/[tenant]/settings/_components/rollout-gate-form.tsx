"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setRolloutGate } from "@/lib/rollouts/actions";

/** The evaluation score (0–1) a rollout's candidate needs before any promotion; empty for none. */
export function RolloutGateForm({ tenant, current }: { tenant: string; current: number | null }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(setRolloutGate, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <Field
        label="Evaluation gate"
        htmlFor="rollout-gate"
        error={errors("minScore")}
        hint="The mean score, 0 to 1, the candidate's newest completed evaluation needs before each promotion is approved. Leave empty for no gate."
      >
        <Input id="rollout-gate" name="minScore" inputMode="decimal" defaultValue={current ?? ""} className="max-w-40" aria-invalid={!!errors("minScore")} />
      </Field>
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save gate"}</Button>
      <FormError message={formError} />
      {result?.ok && <FormSuccess message="Saved. It applies to the next promotion of every rollout." />}
    </form>
  );
}
