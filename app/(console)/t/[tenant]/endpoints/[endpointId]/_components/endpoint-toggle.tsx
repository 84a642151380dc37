"use client";

import { ActionButton } from "@/components/forms/action-button";
import { updateEndpoint } from "@/lib/endpoints/actions";

/** Disables the endpoint (callers get 404) or enables it again. */
export function EndpointToggle({ tenant, endpointId, enabled, description }: { tenant: string; endpointId: string; enabled: boolean; description: string }) {
  return (
    <ActionButton variant="outline" run={() => updateEndpoint({ tenant, endpointId, description, enabled: String(!enabled) })}>
      {enabled ? "Disable" : "Enable"}
    </ActionButton>
  );
}
