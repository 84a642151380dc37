import Link from "next/link";
import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time";
import type { RunDetail } from "@/lib/evals/data";

type Fact = { label: string; value: ReactNode; testId?: string };

/** What was run against what, scored how, by whom and when. */
export function RunFacts({ tenant, run, scorerLabel }: { tenant: string; run: RunDetail; scorerLabel: string }) {
  const base = `/t/${tenant}`;
  const facts: (Fact | false)[] = [
    {
      label: "Dataset",
      value: (
        <>
          <Link href={`${base}/evals/datasets/${run.datasetId}`} className="underline underline-offset-2">{run.datasetName}</Link>{" "}
          <code className="font-mono text-xs text-muted-foreground" title={run.contentHash}>{run.contentHash.slice(0, 12)}</code>
        </>
      ),
    },
    {
      label: "Endpoint / version",
      testId: "run-version",
      value: run.version ? (
        <>
          <Link href={`${base}/endpoints/${run.endpointId}`} className="underline underline-offset-2">{run.version.endpointName}</Link> / {run.version.label}
        </>
      ) : (
        "a removed version"
      ),
    },
    { label: "Scorer", value: `${scorerLabel}, passes at ${run.passAt}${run.judgeEndpoint ? `, judged by ${run.judgeEndpoint}` : ""}` },
    { label: "Started by", value: run.createdBy },
    { label: "Queued", value: <LocalTime value={run.createdAt} precision="second" /> },
    run.finishedAt !== null && { label: "Ended", value: <LocalTime value={run.finishedAt} precision="second" /> },
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {facts.filter((f): f is Fact => f !== false).map((f) => (
        <div key={f.label} className="contents">
          <dt className="text-muted-foreground">{f.label}</dt>
          <dd data-testid={f.testId}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
