"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { setDriftReference } from "@/lib/monitoring/drift/actions";

/** Pins the days a version's drift is measured against; empty days go back to its first three. */
export function DriftReferenceForm({ tenant, endpointId, versionId, pinned }: { tenant: string; endpointId: string; versionId: string; pinned: { from: string; to: string } | null }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError } = useActionForm(setDriftReference, () => router.refresh());
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="versionId" value={versionId} />
      <Field label="Reference from (UTC day)" htmlFor={`drift-from-${versionId}`} error={errors("from")} className="w-48">
        <Input id={`drift-from-${versionId}`} name="from" type="date" defaultValue={pinned?.from ?? ""} aria-invalid={!!errors("from")} />
      </Field>
      <Field label="through" htmlFor={`drift-to-${versionId}`} error={errors("to")} className="w-48">
        <Input id={`drift-to-${versionId}`} name="to" type="date" defaultValue={pinned?.to ?? ""} aria-invalid={!!errors("to")} />
      </Field>
      <Button type="submit" variant="outline" disabled={pending} className="mb-6">{pending ? "Saving…" : "Pin reference"}</Button>
      {formError && <FormError message={formError} />}
    </form>
  );
}
