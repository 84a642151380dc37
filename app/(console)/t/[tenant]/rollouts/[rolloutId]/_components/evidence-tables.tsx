import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ArmFigures, Evidence, GuardCheck } from "@/lib/rollouts/evidence";

const count = new Intl.NumberFormat("en-US");
const GUARD_NAMES: Record<GuardCheck["guard"], string> = { errors: "Error rate", latency: "p95 latency", cost: "Cost per request", drift: "Drift", evaluation: "Evaluation" };

const METRICS: { label: string; value: (a: ArmFigures) => string }[] = [
  { label: "Requests", value: (a) => `${count.format(a.requests)}${a.sampled ? " (newest only)" : ""}` },
  { label: "Error rate", value: (a) => `${(a.errorRate * 100).toFixed(2)} % (${count.format(a.errors)} failed)` },
  { label: "p95 latency", value: (a) => (a.p95Ms === null ? "no answers" : `${count.format(Math.round(a.p95Ms))} ms`) },
  { label: "Cost per request", value: (a) => `$${a.meanCostUsd.toFixed(6)}` },
];

/**
 * Baseline against candidate over a step's window, then each guard's rule, figures and
 * significance note, breached ones marked. The live panel and each decision's record both use it.
 */
export function EvidenceTables({ evidence }: { evidence: Evidence }) {
  return (
    <div className="space-y-4">
      <Table aria-label="Baseline and candidate">
        <TableHeader>
          <TableRow>
            <TableHead>Over the window</TableHead>
            <TableHead>Baseline: {evidence.baseline.label}</TableHead>
            <TableHead>Candidate: {evidence.candidate.label}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {METRICS.map((m) => (
            <TableRow key={m.label} data-testid={`figure-${m.label.toLowerCase().replaceAll(" ", "-")}`}>
              <TableCell className="text-muted-foreground">{m.label}</TableCell>
              <TableCell className="tabular-nums">{m.value(evidence.baseline)}</TableCell>
              <TableCell className="tabular-nums">{m.value(evidence.candidate)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Table aria-label="Guard checks">
        <TableHeader>
          <TableRow>
            <TableHead>Guard</TableHead>
            <TableHead>Rule</TableHead>
            <TableHead>Baseline</TableHead>
            <TableHead>Candidate</TableHead>
            <TableHead>Significance</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {evidence.checks.map((c) => (
            <TableRow key={c.guard} data-testid={`check-${c.guard}`} data-breached={c.breached || undefined} className={cn(c.breached && "bg-destructive/5")}>
              <TableCell className="whitespace-nowrap font-medium">
                {GUARD_NAMES[c.guard]}
                {c.breached ? <Badge variant="destructive" className="ml-2">breached</Badge> : !c.enough && <Badge variant="outline" className="ml-2">too few requests</Badge>}
              </TableCell>
              <TableCell className="text-xs">{c.rule}</TableCell>
              <TableCell className="text-xs tabular-nums">{c.baseline || "—"}</TableCell>
              <TableCell className="text-xs tabular-nums">{c.candidate}</TableCell>
              <TableCell className="text-xs text-muted-foreground">{c.note}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
