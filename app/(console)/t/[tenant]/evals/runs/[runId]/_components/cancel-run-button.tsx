"use client";

import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { cancelEvalRun } from "@/lib/evals/actions";

/** A builder stops a queued or running evaluation after a confirmation; the cases scored so far stay. */
export function CancelRunButton({ tenant, runId, done, total }: { tenant: string; runId: string; done: number; total: number }) {
  return (
    <ConfirmAction
      trigger={<Button variant="outline">Cancel run</Button>}
      title="Cancel this run?"
      description={
        <p>
          No further cases are sent. The {done} of {total} scored so far stay, but a cancelled run cannot be resumed; start a new one to
          score the rest.
        </p>
      }
      confirmLabel="Cancel run"
      run={() => cancelEvalRun({ tenant, runId })}
    />
  );
}
