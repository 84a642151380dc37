"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { startEvalRun } from "@/lib/evals/actions";

export type RunEndpoint = { id: string; name: string; activeVersionId: string | null; versions: { id: string; label: string }[] };
export type ScorerChoice = { value: string; label: string; defaultPass: number };

type Props = {
  tenant: string;
  datasets: { id: string; name: string; caseCount: number }[];
  endpoints: RunEndpoint[];
  scorers: ScorerChoice[];
  /** Chat endpoint names a judge may be. */
  judges: string[];
  datasetId?: string;
};

/** A builder queues a run: a dataset, a priced version of a chat endpoint, a scorer and its pass mark. */
export function NewRunForm({ tenant, datasets, endpoints, scorers, judges, datasetId }: Props) {
  const router = useRouter();
  const [endpointId, setEndpointId] = useState(endpoints[0]?.id ?? "");
  const [scorer, setScorer] = useState(scorers[0]?.value ?? "");
  const endpoint = endpoints.find((e) => e.id === endpointId);
  const chosenScorer = scorers.find((s) => s.value === scorer);
  const { onSubmit, pending, errors, formError } = useActionForm(startEvalRun, (data) => router.push(`/t/${tenant}/evals/runs/${data.runId}`));
  return (
    <form id="new-run" onSubmit={onSubmit} noValidate aria-label="New run" className="space-y-4">
      <FormError message={formError} />
      <input type="hidden" name="tenant" value={tenant} />
      <Field label="Dataset" htmlFor="run-dataset" error={errors("datasetId")}>
        <NativeSelect id="run-dataset" name="datasetId" defaultValue={datasetId ?? datasets[0]?.id} aria-invalid={!!errors("datasetId")}>
          {datasets.map((d) => <option key={d.id} value={d.id}>{`${d.name} (${d.caseCount} case${d.caseCount === 1 ? "" : "s"})`}</option>)}
        </NativeSelect>
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Chat endpoint" htmlFor="run-endpoint" error={errors("endpointId")}>
          <NativeSelect id="run-endpoint" name="endpointId" value={endpointId} onChange={(e) => setEndpointId(e.target.value)} aria-invalid={!!errors("endpointId")}>
            {endpoints.map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
          </NativeSelect>
        </Field>
        <Field label="Version" htmlFor="run-version" error={errors("versionId")} hint="Priced versions only: each case is billed like an API call">
          {/* Keyed by endpoint, so that choosing another endpoint starts from its active version. */}
          <NativeSelect key={endpointId} id="run-version" name="versionId" defaultValue={endpoint?.activeVersionId ?? endpoint?.versions[0]?.id} aria-invalid={!!errors("versionId")}>
            {endpoint?.versions.map((v) => <option key={v.id} value={v.id}>{v.id === endpoint.activeVersionId ? `${v.label} (active)` : v.label}</option>)}
          </NativeSelect>
        </Field>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Scorer" htmlFor="run-scorer" error={errors("scorer")}>
          <NativeSelect id="run-scorer" name="scorer" value={scorer} onChange={(e) => setScorer(e.target.value)} aria-invalid={!!errors("scorer")}>
            {scorers.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </NativeSelect>
        </Field>
        <Field label="Pass at (optional)" htmlFor="run-pass-at" error={errors("passAt")} hint={`A score from 0 to 1; ${chosenScorer?.defaultPass ?? 1} when empty`}>
          <Input id="run-pass-at" name="passAt" inputMode="decimal" placeholder={String(chosenScorer?.defaultPass ?? "")} aria-invalid={!!errors("passAt")} />
        </Field>
      </div>
      {scorer === "JUDGE" && (
        <Field label="Judge endpoint" htmlFor="run-judge" error={errors("judgeEndpoint")} hint="A chat endpoint that scores each answer against the case's rubric">
          <NativeSelect id="run-judge" name="judgeEndpoint" aria-invalid={!!errors("judgeEndpoint")}>
            {judges.map((name) => <option key={name} value={name}>{name}</option>)}
          </NativeSelect>
        </Field>
      )}
      <Button type="submit" disabled={pending}>{pending ? "Starting…" : "Start run"}</Button>
    </form>
  );
}
