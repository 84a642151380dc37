import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { CatalogVersion } from "@/lib/catalog/data";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";
import { ciText } from "@/lib/evals/summary";

/** The version's newest completed evaluation runs, each linking to its run with every case. */
export function VersionEvaluations({ base, runs }: { base: string; runs: CatalogVersion["evaluations"] }) {
  if (runs.length === 0) {
    return (
      <p className="px-6 text-sm text-muted-foreground">
        No completed evaluation of this version yet. <Link href={`${base}/evals`} className="underline underline-offset-2">Run one under Evaluations</Link>.
      </p>
    );
  }
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Dataset</TableHead>
          <TableHead>Scorer</TableHead>
          <TableHead>Mean score</TableHead>
          <TableHead>Pass rate</TableHead>
          <TableHead>Finished</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.map((r) => (
          <TableRow key={r.id} data-testid={`evaluation-${r.id}`}>
            <TableCell>
              <Link href={`${base}/evals/runs/${r.id}`} className="font-medium text-primary hover:underline">{r.datasetName}</Link>
            </TableCell>
            <TableCell className="text-xs">{SCORER_LABELS[r.scorer as ScorerKind] ?? r.scorer}</TableCell>
            <TableCell className="whitespace-nowrap text-xs tabular-nums">{r.summary ? ciText(r.summary.meanScore, r.summary.meanCi) : "—"}</TableCell>
            <TableCell className="whitespace-nowrap text-xs tabular-nums">{r.summary ? ciText(r.summary.passRate, r.summary.passCi) : "—"}</TableCell>
            <TableCell className="whitespace-nowrap text-xs">{r.finishedAt ? <LocalTime value={r.finishedAt} precision="minute" /> : "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
