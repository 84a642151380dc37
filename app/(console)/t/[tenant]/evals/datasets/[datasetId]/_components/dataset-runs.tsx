import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { EvalRunStatus } from "@/lib/db/generated/enums";
import { RunStatusBadge, passRateText, progressText, scoreText } from "../../../_components/eval-text";

export type DatasetRun = {
  id: string;
  version: { label: string; endpointName: string } | null;
  scorerLabel: string;
  status: EvalRunStatus;
  done: number;
  total: number;
  passed: number;
  meanScore: number | null;
  createdAt: Date;
};

/** The newest runs of one dataset; each opens its run. */
export function DatasetRuns({ tenant, runs }: { tenant: string; runs: DatasetRun[] }) {
  if (runs.length === 0) return <p className="px-5 text-sm text-muted-foreground">This dataset has not been run yet.</p>;
  return (
    <Table aria-label="Runs of this dataset">
      <TableHeader>
        <TableRow>
          <TableHead>Started</TableHead>
          <TableHead>Endpoint / version</TableHead>
          <TableHead>Scorer</TableHead>
          <TableHead>Progress</TableHead>
          <TableHead>Mean score</TableHead>
          <TableHead>Pass rate</TableHead>
          <TableHead>Status</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.map((r) => (
          <TableRow key={r.id} data-testid={`dataset-run-${r.id}`}>
            <TableCell>
              <Link href={`/t/${tenant}/evals/runs/${r.id}`} className="whitespace-nowrap text-xs text-primary underline underline-offset-2">
                <LocalTime value={r.createdAt} precision="minute" />
              </Link>
            </TableCell>
            <TableCell className="text-xs">{r.version ? <><code className="font-mono">{r.version.endpointName}</code> / {r.version.label}</> : "a removed version"}</TableCell>
            <TableCell className="whitespace-nowrap text-xs">{r.scorerLabel}</TableCell>
            <TableCell className="whitespace-nowrap text-xs tabular-nums">{progressText(r)}</TableCell>
            <TableCell className="text-xs tabular-nums">{scoreText(r.meanScore)}</TableCell>
            <TableCell className="text-xs tabular-nums">{passRateText(r)}</TableCell>
            <TableCell><RunStatusBadge status={r.status} /></TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
