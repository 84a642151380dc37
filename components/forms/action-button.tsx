"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import type { ActionResult } from "@/lib/tenancy/result";

/**
 * A button that runs a server action, refreshes the page, and shows the action's refusal under it;
 * `onSuccess` runs first when the action went through (to move to another page, say).
 */
export function ActionButton({
  run,
  onSuccess,
  children,
  disabled,
  ...button
}: Omit<ButtonProps, "onClick"> & { run: () => Promise<ActionResult<unknown>>; onSuccess?: () => void }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col items-end">
      <Button
        {...button}
        disabled={pending || disabled}
        onClick={() =>
          start(async () => {
            const r = await run();
            setError(r.ok ? undefined : r.error);
            if (r.ok) onSuccess?.();
            router.refresh();
          })
        }
      >
        {children}
      </Button>
      {error && <span role="alert" className="text-xs text-destructive">{error}</span>}
    </div>
  );
}
