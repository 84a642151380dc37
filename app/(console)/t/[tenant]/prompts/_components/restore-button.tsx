"use client";

import { useRouter } from "next/navigation";
import { ActionButton } from "@/components/forms/action-button";
import { restorePromptVersion } from "@/lib/prompts/actions";

/** Copies an older version as the newest one, then shows the newest. */
export function RestoreButton({ tenant, promptId, name, version }: { tenant: string; promptId: string; name: string; version: number }) {
  const router = useRouter();
  return (
    <ActionButton
      size="sm"
      variant="outline"
      aria-label={`Restore version ${version} as newest`}
      run={() => restorePromptVersion({ tenant, promptId, version })}
      onSuccess={() => router.push(`/t/${tenant}/prompts/${encodeURIComponent(name)}`)}
    >
      Restore as newest
    </ActionButton>
  );
}
