"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { acknowledgeAlert } from "@/lib/monitoring/alerts/actions";

/** Acknowledges one alert; a refusal shows beside the button. */
export function AcknowledgeButton({ tenant, alertId }: { tenant: string; alertId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        variant="outline"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await acknowledgeAlert({ tenant, alertId });
            if (r.ok) router.refresh();
            else setError(r.error);
          })
        }
      >
        {pending ? "Acknowledging…" : "Acknowledge"}
      </Button>
      {error && <span role="alert" className="text-xs text-destructive">{error}</span>}
    </span>
  );
}
