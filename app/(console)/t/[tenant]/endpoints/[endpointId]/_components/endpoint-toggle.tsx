"use client";

import { ActionButton } from "@/components/forms/action-button";
import { ConfirmAction } from "@/components/forms/confirm-action";
import { Button } from "@/components/ui/button";
import { updateEndpoint } from "@/lib/endpoints/actions";

/** Disables the endpoint after a confirmation (callers get 404), or enables it again. */
export function EndpointToggle({ tenant, endpointId, name, enabled, description }: { tenant: string; endpointId: string; name: string; enabled: boolean; description: string }) {
  if (!enabled) {
    return (
      <ActionButton variant="outline" run={() => updateEndpoint({ tenant, endpointId, description, enabled: "true" })}>
        Enable
      </ActionButton>
    );
  }
  return (
    <ConfirmAction
      trigger={<Button variant="outline">Disable</Button>}
      title={`Disable ${name}?`}
      description={
        <p>
          Disabling endpoint <strong>{name}</strong>: every call with <code className="font-mono">model: &quot;{name}&quot;</code>, from any
          application, the playground or Try it, gets 404 until it is enabled again.
        </p>
      }
      confirmLabel="Disable endpoint"
      run={() => updateEndpoint({ tenant, endpointId, description, enabled: "false" })}
    />
  );
}
