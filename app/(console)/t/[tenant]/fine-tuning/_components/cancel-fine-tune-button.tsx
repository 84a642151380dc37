"use client";

import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { cancelFineTune } from "@/lib/finetune/actions";

/** A manager stops a queued or running job after a confirmation; a running one is cancelled at its provider too. */
export function CancelFineTuneButton({ tenant, jobId, name }: { tenant: string; jobId: string; name: string }) {
  return (
    <ConfirmAction
      trigger={<Button variant="outline" size="sm">Cancel</Button>}
      title="Cancel this fine-tuning job?"
      description={
        <p>
          The job on <strong>{name}</strong> stops: a queued job at once, a running one at its provider within a few seconds. Nothing becomes a version, and a
          cancelled job cannot be resumed; launch it again to retry.
        </p>
      }
      confirmLabel="Cancel job"
      run={() => cancelFineTune({ tenant, jobId })}
    />
  );
}
