"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { restorePromptVersion } from "@/lib/prompts/actions";

/** Copies an older version as the newest one, then shows the newest. */
export function RestoreButton({ tenant, promptId, name, version }: { tenant: string; promptId: string; name: string; version: number }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col items-end">
      <Button
        size="sm"
        variant="outline"
        disabled={pending}
        aria-label={`Restore version ${version} as newest`}
        onClick={() =>
          start(async () => {
            const r = await restorePromptVersion({ tenant, promptId, version });
            setError(r.ok ? undefined : r.error);
            if (r.ok) router.push(`/t/${tenant}/prompts/${encodeURIComponent(name)}`);
            router.refresh();
          })
        }
      >
        {pending ? "Restoring…" : "Restore as newest"}
      </Button>
      {error && <span role="alert" className="text-xs text-destructive">{error}</span>}
    </div>
  );
}
