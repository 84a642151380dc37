"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { Button } from "@/components/ui/button";

/** A one-time sign-in link, shown once with a copy button. */
export function OneTimeLink({ link }: { link: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2">
      <p className="text-sm">Send them this one-time sign-in link. It works once, for 7 days, and is not shown again.</p>
      <div className="flex gap-2">
        <code data-testid="one-time-link" className="min-w-0 flex-1 truncate rounded-md border border-border bg-muted px-2 py-1.5 font-mono text-xs">
          {link}
        </code>
        <Button
          type="button"
          variant="outline"
          size="icon"
          aria-label="Copy link"
          onClick={async () => {
            await navigator.clipboard?.writeText(link);
            setCopied(true);
          }}
        >
          {copied ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
        </Button>
      </div>
    </div>
  );
}
