import Link from "next/link";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { EvalRunStatus } from "@/lib/db/generated/enums";
import type { Summary } from "@/lib/evals/summary";
import { ciText } from "@/lib/evals/summary";
import { RunStatusBadge } from "../../_components/eval-text";

export type CompareSideRun = {
  id: string;
  version: { label: string; endpointName: string } | null;
  status: EvalRunStatus;
  createdAt: Date;
  summary: Summary;
};

/** One side of the comparison: which version ran, and its mean score and pass rate with intervals. */
export function CompareSide({ tenant, side, run, scorerLabel }: { tenant: string; side: "A" | "B"; run: CompareSideRun; scorerLabel: string }) {
  const s = run.summary;
  const facts: [string, React.ReactNode, string][] = [
    ["Version", run.version ? `${run.version.label} on ${run.version.endpointName}` : "a removed version", "version"],
    ["Scorer", scorerLabel, "scorer"],
    ["Mean score", s.cases ? ciText(s.meanScore, s.meanCi) : "—", "mean"],
    ["Pass rate", s.cases ? ciText(s.passRate, s.passCi) : "—", "pass-rate"],
    ["Started", <LocalTime key="at" value={run.createdAt} precision="minute" />, "started"],
  ];
  return (
    <Card data-testid={`side-${side.toLowerCase()}`}>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          <Link href={`/t/${tenant}/evals/runs/${run.id}`} className="underline underline-offset-2">Run {side}</Link>
          <RunStatusBadge status={run.status} />
        </CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
          {facts.map(([label, value, testId]) => (
            <div key={label} className="contents">
              <dt className="text-muted-foreground">{label}</dt>
              <dd className="tabular-nums" data-testid={`side-${side.toLowerCase()}-${testId}`}>{value}</dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}
