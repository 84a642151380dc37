"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { updateEndpoint } from "@/lib/endpoints/actions";

/** Disables the endpoint (callers get 404) or enables it again. */
export function EndpointToggle({ tenant, endpointId, enabled, description }: { tenant: string; endpointId: string; enabled: boolean; description: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col items-end">
      <Button
        variant="outline"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await updateEndpoint({ tenant, endpointId, description, enabled: String(!enabled) });
            setError(r.ok ? undefined : r.error);
            router.refresh();
          })
        }
      >
        {enabled ? "Disable" : "Enable"}
      </Button>
      {error && <span role="alert" className="text-xs text-destructive">{error}</span>}
    </div>
  );
}
