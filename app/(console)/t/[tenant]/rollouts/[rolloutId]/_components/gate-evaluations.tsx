import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { ciText, type Summary } from "@/lib/evals/summary";
import { SCORER_LABELS, type ScorerKind } from "@/lib/evals/scorers";

type Run = { id: string; datasetName: string; scorer: string; finishedAt: Date | null; summary: Summary | null };

/**
 * The newest completed evaluations of each side, and the tenant's gate when it has one: what an
 * approver weighs beside the live figures.
 */
export function GateEvaluations({ base, labels, candidate, baseline, gate }: { base: string; labels: { baseline: string; candidate: string }; candidate: Run[]; baseline: Run[]; gate: number | null }) {
  const newest = candidate[0]?.summary?.meanScore;
  return (
    <div className="space-y-4 text-sm">
      <p data-testid="gate-rule">
        {gate === null
          ? "This tenant requires no evaluation before a promotion."
          : `This tenant requires the candidate's newest evaluation to score at least ${gate} on average before each promotion: ${
              newest === undefined ? "it has none yet" : newest >= gate ? `it scores ${newest.toFixed(2)}, which passes` : `it scores ${newest.toFixed(2)}, which does not pass`
            }.`}
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        {[
          { key: "candidate", title: `Candidate: ${labels.candidate}`, runs: candidate },
          { key: "baseline", title: `Baseline: ${labels.baseline}`, runs: baseline },
        ].map((side) => (
          <section key={side.key} aria-label={side.title} data-testid={`gate-${side.key}`} className="space-y-2">
            <h3 className="font-semibold">{side.title}</h3>
            {side.runs.length === 0 && <p className="text-muted-foreground">No completed evaluation.</p>}
            <ul className="space-y-1">
              {side.runs.map((r) => (
                <li key={r.id}>
                  <Link href={`${base}/evals/runs/${r.id}`} className="underline underline-offset-2">{r.datasetName}</Link>{" "}
                  <span className="text-muted-foreground">({SCORER_LABELS[r.scorer as ScorerKind] ?? r.scorer})</span>:{" "}
                  {r.summary ? `mean ${ciText(r.summary.meanScore, r.summary.meanCi)}` : "no summary"}
                  {r.finishedAt && <>, <LocalTime value={r.finishedAt} precision="minute" /></>}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
