"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { activateVersion } from "@/lib/endpoints/actions";

/** Switches the endpoint's traffic to this version. */
export function ActivateVersionButton({ tenant, endpointId, versionId, label }: { tenant: string; endpointId: string; versionId: string; label: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col items-end">
      <Button
        size="sm"
        variant="outline"
        disabled={pending}
        aria-label={`Activate ${label}`}
        onClick={() =>
          start(async () => {
            const r = await activateVersion({ tenant, endpointId, versionId });
            setError(r.ok ? undefined : r.error);
            router.refresh();
          })
        }
      >
        Activate
      </Button>
      {error && <span role="alert" className="text-xs text-destructive">{error}</span>}
    </div>
  );
}
