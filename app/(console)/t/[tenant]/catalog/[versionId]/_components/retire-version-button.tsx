"use client";

import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { retireVersion } from "@/lib/catalog/actions";

/** A builder retires a version that no longer serves, after a confirmation; the server's refusal shows in the dialog. */
export function RetireVersionButton({ tenant, versionId, label, endpointName }: { tenant: string; versionId: string; label: string; endpointName: string }) {
  return (
    <ConfirmAction
      trigger={<Button variant="outline">Retire version</Button>}
      title={`Retire ${label}?`}
      description={
        <p>
          <strong>{label}</strong> can then never answer on <strong>{endpointName}</strong> again: not as the active version, a fallback or a
          rollout&apos;s candidate. Its entry, history and records stay. This cannot be undone; add a new version to serve it again.
        </p>
      }
      confirmLabel="Retire version"
      run={() => retireVersion({ tenant, versionId })}
    />
  );
}
