"use client";

import { useRouter } from "next/navigation";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { startRollout } from "@/lib/rollouts/actions";
import { guardsSchema } from "@/lib/rollouts/schemas";

const DEFAULTS = guardsSchema.parse({});

const GUARD_FIELDS = [
  { name: "maxErrorRateIncrease", label: "Error rate, points above the baseline", hint: "e.g. 2: 1 % becomes at most 3 %" },
  { name: "maxLatencyRatio", label: "p95 latency, times the baseline's", hint: "1 to 100" },
  { name: "maxCostRatio", label: "Cost per request, times the baseline's", hint: "1 to 100" },
  { name: "maxEvalScoreDrop", label: "Evaluation score drop", hint: "0 to 1, below the baseline's on the same dataset" },
  { name: "minRequests", label: "Requests a side before checking", hint: "Fewer decide nothing" },
] as const;

/**
 * The form's fields as the action's input. FormData is flat, and the action expects the guards as
 * one object, so they are gathered here; their errors come back keyed `guards.<name>`, as named.
 */
function startInput(form: FormData) {
  const guard = (name: string) => form.get(`guards.${name}`);
  return {
    candidateVersionId: form.get("candidateVersionId"),
    steps: form.get("steps"),
    stickiness: form.get("stickiness"),
    burnInMinutes: form.get("burnInMinutes"),
    guards: { ...Object.fromEntries(GUARD_FIELDS.map((g) => [g.name, guard(g.name)])), drift: guard("drift") === "on" },
  };
}

/** A builder starts a canary: the candidate, its steps, how callers stick to a side, burn-in and guards. */
export function StartRolloutForm({ tenant, endpointId, candidates }: { tenant: string; endpointId: string; candidates: { id: string; label: string }[] }) {
  const router = useRouter();
  const { onSubmit, pending, errors, formError } = useActionForm(
    (form) => startRollout({ tenant, endpointId, ...startInput(form as FormData) }),
    (data) => router.push(`/t/${tenant}/rollouts/${data.rolloutId}`),
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Start rollout" className="space-y-4">
      <FormError message={formError} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Candidate version" htmlFor="rollout-candidate" error={errors("candidateVersionId")}>
          <NativeSelect id="rollout-candidate" name="candidateVersionId" aria-invalid={!!errors("candidateVersionId")}>
            {candidates.map((v) => <option key={v.id} value={v.id}>{v.label}</option>)}
          </NativeSelect>
        </Field>
        <Field label="Steps (% of traffic)" htmlFor="rollout-steps" error={errors("steps")} hint="Rising; production follows the last">
          <Input id="rollout-steps" name="steps" defaultValue="1, 10, 50" aria-invalid={!!errors("steps")} />
        </Field>
        <Field label="Burn-in per step (minutes)" htmlFor="rollout-burn-in" error={errors("burnInMinutes")} hint="Before a promotion can be approved">
          <Input id="rollout-burn-in" name="burnInMinutes" inputMode="numeric" defaultValue="30" aria-invalid={!!errors("burnInMinutes")} />
        </Field>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Stickiness</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="stickiness" value="KEY" defaultChecked /> Per API key
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="stickiness" value="USER" /> Per end user (the request&apos;s user field)
          </label>
        </div>
        {errors("stickiness") && <p role="alert" className="text-xs text-destructive">{errors("stickiness")!.join(" ")}</p>}
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Guards: roll back when the candidate is significantly worse than the baseline</legend>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {GUARD_FIELDS.map((g) => (
            <Field key={g.name} label={g.label} htmlFor={`rollout-${g.name}`} error={errors(`guards.${g.name}`)} hint={g.hint}>
              <Input id={`rollout-${g.name}`} name={`guards.${g.name}`} inputMode="decimal" defaultValue={DEFAULTS[g.name]} aria-invalid={!!errors(`guards.${g.name}`)} />
            </Field>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="guards.drift" defaultChecked={DEFAULTS.drift} /> Roll back on a drift alert on the candidate
        </label>
      </fieldset>
      <Button type="submit" disabled={pending}>{pending ? "Starting…" : "Start rollout"}</Button>
    </form>
  );
}
