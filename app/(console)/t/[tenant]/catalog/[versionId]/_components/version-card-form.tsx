"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { updateVersionCard } from "@/lib/catalog/actions";

export type CardValues = {
  artifactDigest: string;
  baseModel: string;
  datasetName: string;
  datasetUri: string;
  datasetHash: string;
  hyperparameters: string;
  fineTuneJobId: string;
  ownerId: string;
  intendedUse: string;
  limitations: string;
  risks: string;
};

type Name = keyof CardValues;

const LINES: { name: Name; label: string; hint?: string; mono?: boolean }[] = [
  { name: "artifactDigest", label: "Artifact digest", hint: "algorithm:value, e.g. sha256:3f2a…", mono: true },
  { name: "baseModel", label: "Base model", hint: "What it was trained or tuned from" },
  { name: "datasetName", label: "Dataset name" },
  { name: "datasetUri", label: "Dataset URI", mono: true },
  { name: "datasetHash", label: "Dataset hash", hint: "The snapshot's digest, so it can be found again", mono: true },
  { name: "fineTuneJobId", label: "Fine-tune job id", mono: true },
];

const CARD: { name: Name; label: string; hint: string }[] = [
  { name: "intendedUse", label: "Intended use", hint: "Who it is for and what for" },
  { name: "limitations", label: "Limitations", hint: "Where it does poorly or was not tested" },
  { name: "risks", label: "Risks", hint: "What could go wrong, and what guards against it" },
];

/**
 * A draft version's catalog entry and model card, every field at once; the server names every wrong
 * field together and keeps what was typed. Fixed once the version serves.
 */
export function VersionCardForm({ tenant, versionId, values, owners }: { tenant: string; versionId: string; values: CardValues; owners: { id: string; email: string }[] }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError, result } = useActionForm(updateVersionCard, () => router.refresh());
  const id = (name: Name) => `card-${name}`;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Catalog entry and model card" className="space-y-6">
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="versionId" value={versionId} />
      <FormError message={formError} />
      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="mb-3 text-sm font-semibold">Where it came from</legend>
        {LINES.map((f) => (
          <Field key={f.name} label={f.label} htmlFor={id(f.name)} error={errors(f.name)} hint={f.hint}>
            <Input id={id(f.name)} name={f.name} defaultValue={values[f.name]} aria-invalid={!!errors(f.name)} className={f.mono ? "font-mono" : undefined} autoComplete="off" />
          </Field>
        ))}
        <Field label="Owner" htmlFor={id("ownerId")} error={errors("ownerId")} hint="The member who answers for this version">
          <NativeSelect id={id("ownerId")} name="ownerId" defaultValue={values.ownerId} aria-invalid={!!errors("ownerId")}>
            <option value="">No owner</option>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>{o.email}</option>
            ))}
          </NativeSelect>
        </Field>
        <Field label="Hyperparameters (JSON)" htmlFor={id("hyperparameters")} error={errors("hyperparameters")} hint='A JSON object, e.g. {"epochs": 3}' className="md:col-span-2">
          <Textarea id={id("hyperparameters")} name="hyperparameters" rows={3} defaultValue={values.hyperparameters} aria-invalid={!!errors("hyperparameters")} className="font-mono text-xs" spellCheck={false} />
        </Field>
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="mb-3 text-sm font-semibold">Model card</legend>
        {CARD.map((f) => (
          <Field key={f.name} label={f.label} htmlFor={id(f.name)} error={errors(f.name)} hint={f.hint}>
            <Textarea id={id(f.name)} name={f.name} rows={3} defaultValue={values[f.name]} aria-invalid={!!errors(f.name)} />
          </Field>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save entry"}</Button>
        {result?.ok && !pending && <FormSuccess message="Saved. The entry is fixed from the version's first release on." />}
      </div>
    </form>
  );
}
