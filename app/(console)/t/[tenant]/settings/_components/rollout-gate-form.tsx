"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { setRolloutGate } from "@/lib/rollouts/actions";

/** The dataset and mean score (0–1) a rollout's candidate must reach before any promotion; both empty for none. */
export function RolloutGateForm({ tenant, current, datasetId, datasets }: { tenant: string; current: number | null; datasetId: string | null; datasets: { id: string; name: string; caseCount: number }[] }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(setRolloutGate, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <Field label="Gate dataset" htmlFor="rollout-gate-dataset" error={errors("datasetId")} hint="The candidate is evaluated on every case of this dataset before each promotion is approved.">
        <NativeSelect id="rollout-gate-dataset" name="datasetId" defaultValue={datasetId ?? ""} aria-invalid={!!errors("datasetId")} className="max-w-md">
          <option value="">No gate</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>{d.name} ({d.caseCount} cases)</option>
          ))}
        </NativeSelect>
      </Field>
      <Field label="Minimum mean score" htmlFor="rollout-gate" error={errors("minScore")} hint="0 to 1; empty, with no dataset, for no gate.">
        <Input id="rollout-gate" name="minScore" inputMode="decimal" defaultValue={current ?? ""} className="max-w-40" aria-invalid={!!errors("minScore")} />
      </Field>
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save gate"}</Button>
      <FormError message={formError} />
      {result?.ok && <FormSuccess message="Saved. It applies to the next promotion of every rollout." />}
    </form>
  );
}
