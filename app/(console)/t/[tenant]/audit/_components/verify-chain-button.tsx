"use client";

import { useState, useTransition } from "react";
import { ShieldCheck, ShieldX } from "lucide-react";
import { Button } from "@/components/ui/button";

type Verdict =
  | { ok: true; checked: number; headHash: string }
  | { ok: false; checked: number; broken: { seq: number; eventId: string | null; reason: string } };

/** Asks the server to walk the whole chain and shows whether it is intact or where it breaks. */
export function VerifyChainButton({ tenant }: { tenant: string }) {
  const [verdict, setVerdict] = useState<Verdict | { error: string } | null>(null);
  const [pending, start] = useTransition();
  const verify = () =>
    start(async () => {
      const res = await fetch(`/api/t/${tenant}/audit/verify`, { cache: "no-store" });
      const body = await res.json();
      setVerdict(res.ok ? body : { error: body?.error?.message ?? "Verification failed." });
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="outline" onClick={verify} disabled={pending}>
        <ShieldCheck className="size-4" aria-hidden /> {pending ? "Verifying…" : "Verify chain"}
      </Button>
      {verdict && (
        <p role="status" data-testid="chain-verdict" className="max-w-md text-right text-xs">
          {"error" in verdict ? (
            <span className="text-destructive">{verdict.error}</span>
          ) : verdict.ok ? (
            <span className="text-success">Intact: {verdict.checked} events, head {verdict.headHash.slice(0, 12)}…</span>
          ) : (
            <span className="inline-flex items-center gap-1 text-destructive">
              <ShieldX className="size-3.5" aria-hidden /> Broken at event #{verdict.broken.seq}: {verdict.broken.reason}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
