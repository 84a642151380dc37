"use client";

import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { cancelRollout } from "@/lib/rollouts/actions";

/** A builder stops the rollout after a confirmation; every request goes back to the baseline. */
export function CancelRolloutButton({ tenant, rolloutId, labels }: { tenant: string; rolloutId: string; labels: { baseline: string; candidate: string } }) {
  return (
    <ConfirmAction
      trigger={<Button variant="outline">Cancel rollout</Button>}
      title="Cancel this rollout?"
      description={
        <p>
          <strong>{labels.candidate}</strong> stops answering at once and <strong>{labels.baseline}</strong> takes all traffic again. A cancelled
          rollout cannot be resumed; start a new one to try again.
        </p>
      }
      confirmLabel="Cancel rollout"
      run={() => cancelRollout({ tenant, rolloutId })}
    />
  );
}
