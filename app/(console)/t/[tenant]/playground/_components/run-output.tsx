"use client";

import Link from "next/link";
import { CornerDownLeft, Loader2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { PlaygroundRunRecord } from "@/lib/playground/schemas";
import type { useColumnRun } from "./use-column-run";

type Run = ReturnType<typeof useColumnRun>;


function outcome(r: PlaygroundRunRecord): { label: string; variant: "success" | "warning" | "destructive" } {
  if (r.status === 499) return { label: "cancelled", variant: "warning" };
  if (r.status >= 400) return { label: `failed (${r.status}${r.errorCode ? `, ${r.errorCode}` : ""})`, variant: "destructive" };
  return { label: "completed", variant: "success" };
}

/** A finished run's figures, as its request record has them: what budgets and exports count. */
function Figures({ tenant, record }: { tenant: string; record: PlaygroundRunRecord }) {
  const o = outcome(record);
  const rows: [string, React.ReactNode][] = [
    ["Status", <Badge key="s" variant={o.variant} data-testid="run-status">{o.label}</Badge>],
    ["Input tokens", `${record.inputTokens}${record.tokensEstimated ? " (estimated)" : ""}`],
    ["Output tokens", `${record.outputTokens}${record.tokensEstimated ? " (estimated)" : ""}`],
    ["Latency", `${record.latencyMs} ms`],
    ["First token", record.ttftMs === null ? "—" : `${record.ttftMs} ms`],
    // The record's exact figure: a playground run's cost is often a fraction of a cent.
    ["Cost", `$${record.costUsd}`],
    ["Version", <span key="v" data-testid="run-version">{record.version?.label ?? "—"}</span>],
    [
      "Request",
      <Link key="r" href={`/t/${tenant}/requests/${encodeURIComponent(record.requestId)}`} className="break-all font-mono text-xs underline underline-offset-2 hover:text-foreground">
        {record.requestId}
      </Link>,
    ],
  ];
  return (
    <dl data-testid="run-figures" className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-muted-foreground">{term}</dt>
          <dd className="tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A column's answer as it streams, then its figures; errors stay in the column they belong to. */
export function RunOutput({ tenant, run, versionLabel, onContinue }: { tenant: string; run: Run; versionLabel: (id: string) => string; onContinue?: (text: string) => void }) {
  const { live, mutation, record, stopped } = run;
  if (mutation.isIdle) return null;
  const done = mutation.isSuccess && live.text.trim() !== "";
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2 text-xs text-muted-foreground">
        {mutation.isPending && <Loader2 className="size-3.5 animate-spin" aria-hidden />}
        {mutation.isPending ? "Streaming" : stopped ? "Stopped" : mutation.isError ? "Failed" : "Answered"}
        {live.versionId && <span>· version {versionLabel(live.versionId)}</span>}
      </div>
      {(live.text || mutation.isPending) && (
        <pre data-testid="column-output" aria-live="polite" aria-busy={mutation.isPending} className="min-h-16 whitespace-pre-wrap break-words rounded-md bg-muted p-3 text-sm">
          {live.text || "…"}
        </pre>
      )}
      {mutation.isError && !stopped && (
        <p role="alert" className="text-sm text-destructive">
          {mutation.error.message}
        </p>
      )}
      {record.data && <Figures tenant={tenant} record={record.data} />}
      {record.isError && <p className="text-xs text-muted-foreground">The run&apos;s figures are not available: {record.error.message}</p>}
      {done && onContinue && (
        <Button variant="outline" size="sm" onClick={() => onContinue(live.text)}>
          <CornerDownLeft className="size-4" aria-hidden /> Continue with this answer
        </Button>
      )}
    </div>
  );
}
