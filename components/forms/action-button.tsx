"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import type { ActionResult } from "@/lib/tenancy/result";

/** A button that runs a server action, refreshes the page, and shows the action's refusal under it. */
export function ActionButton({ run, children, disabled, ...button }: Omit<ButtonProps, "onClick"> & { run: () => Promise<ActionResult<unknown>> }) {
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
