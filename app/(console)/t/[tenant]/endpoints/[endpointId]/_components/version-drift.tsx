import Link from "next/link";
import { DriftChart } from "@/components/charts/drift-chart";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { findVersionDrift } from "@/lib/monitoring/drift/data";
import { DRIFT_RULE, pText, statText } from "@/lib/monitoring/drift/stats";
import { DRIFT_METRICS, type DriftMetric } from "@/lib/monitoring/drift/versions";
import { DriftReferenceForm } from "./drift-reference-form";

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const tooFew = (m: DriftMetric, samples: number) =>
  m === "inputs" ? "Too few inputs" : m === "scores" ? (samples === 0 ? "No two evaluations" : "Too few cases") : "Too few requests";

/** One version's drift: the last 24 hours against its reference window, per metric, and PSI per day. */
export async function VersionDrift({ tenant, endpointId, versionId, label, manage }: { tenant: { tenantId: string; tenantSlug: string }; endpointId: string; versionId: string; label: string; manage: boolean }) {
  const { drift, series } = await findVersionDrift(tenant, versionId);
  const reference = drift?.reference ?? series.reference;
  return (
    <Card data-testid="version-drift">
      <CardHeader>
        <CardTitle>Drift of {label}</CardTitle>
        <CardDescription>
          {reference
            ? `Against ${reference.pinned ? "a pinned window" : "its first three days"}, ${day(reference.from)} to ${day(reference.to - 1)} (UTC). `
            : "No traffic yet to take a reference from. "}
          A metric drifts when its PSI is at least {DRIFT_RULE.psi} and its test (KS for lengths and latency, χ² for rates and reasons) gives p below {DRIFT_RULE.ksP}, on at least {DRIFT_RULE.minSamples} requests on each side.
          Inputs drift when the centroids of at least {DRIFT_RULE.minInputs} sampled inputs a side (the built-in embedding model, from the request content the tenant keeps) are {DRIFT_RULE.inputDistance} or more apart with a permutation test p below {DRIFT_RULE.ksP}.
          The evaluation score compares the version's newest evaluation with the one of its reference window on the same dataset and scorer (case scores in tenths, PSI with KS, at least {DRIFT_RULE.minCases} cases a side). Each drift is an alert.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {drift ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Last 24 hours</TableHead>
                <TableHead className="text-right">PSI</TableHead>
                <TableHead className="text-right">Test</TableHead>
                <TableHead className="text-right">p</TableHead>
                <TableHead className="text-right">Samples (ref / now)</TableHead>
                <TableHead className="text-right">Verdict</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(Object.keys(DRIFT_METRICS) as DriftMetric[]).map((m) => {
                const f = drift.metrics[m];
                return (
                  <TableRow key={m} data-testid={`drift-${m}`}>
                    <TableCell>{DRIFT_METRICS[m]}</TableCell>
                    <TableCell className="text-right tabular-nums">{f.psi === null ? "—" : f.psi.toFixed(3)}</TableCell>
                    <TableCell className="text-right tabular-nums">{statText(f)}</TableCell>
                    <TableCell className="text-right tabular-nums">{pText(f.p)}</TableCell>
                    <TableCell className="text-right tabular-nums">{f.reference.toLocaleString("en-US")} / {f.current.toLocaleString("en-US")}</TableCell>
                    <TableCell className="text-right">{!f.enough ? tooFew(m, f.reference + f.current) : f.drifted ? <strong className="text-destructive">Drifted</strong> : "Stable"}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        ) : (
          <p className="text-sm text-muted-foreground">Drift is measured once the version has a day of traffic after its reference window.</p>
        )}
        {drift?.metrics.scores.about && (
          <p className="text-sm text-muted-foreground" data-testid="drift-scores-runs">
            Evaluation score: {drift.metrics.scores.about.dataset} ({drift.metrics.scores.about.scorer.toLowerCase()}),{" "}
            <Link className="underline" href={`/t/${tenant.tenantSlug}/evals/compare?a=${drift.metrics.scores.about.referenceRunId}&b=${drift.metrics.scores.about.currentRunId}`}>
              the reference run against the newest, case by case
            </Link>
            .
          </p>
        )}
        {series.points.length > 0 && <DriftChart points={series.points} threshold={DRIFT_RULE.psi} />}
        {manage && <DriftReferenceForm tenant={tenant.tenantSlug} endpointId={endpointId} versionId={versionId} pinned={reference?.pinned ? { from: day(reference.from), to: day(reference.to - 1) } : null} />}
      </CardContent>
    </Card>
  );
}
