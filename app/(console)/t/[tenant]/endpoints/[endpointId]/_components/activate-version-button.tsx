"use client";

import { ActionButton } from "@/components/forms/action-button";
import { activateVersion } from "@/lib/endpoints/actions";

/** Switches the endpoint's traffic to this version. */
export function ActivateVersionButton({ tenant, endpointId, versionId, label }: { tenant: string; endpointId: string; versionId: string; label: string }) {
  return (
    <ActionButton size="sm" variant="outline" aria-label={`Activate ${label}`} run={() => activateVersion({ tenant, endpointId, versionId })}>
      Activate
    </ActionButton>
  );
}
