import type { Summary } from "@/lib/evals/summary";
import { ciText } from "@/lib/evals/summary";

/**
 * The run's figures with their 95 % intervals. An unscored case (its call or its scorer failed)
 * counts as a 0 in the mean, so a run cannot look better by failing to run.
 */
export function RunSummary({ summary, live }: { summary: Summary; live: boolean }) {
  const figures: [string, string, string][] = [
    ["Cases", String(summary.cases), "summary-cases"],
    ["Mean score", summary.cases ? ciText(summary.meanScore, summary.meanCi) : "—", "summary-mean"],
    ["Pass rate", summary.cases ? ciText(summary.passRate, summary.passCi) : "—", "summary-pass-rate"],
    ["Passed", String(summary.passed), "summary-passed"],
    ["Failed", String(summary.scored - summary.passed), "summary-failed"],
    ["Unscored", String(summary.failed), "summary-unscored"],
  ];
  return (
    <div className="space-y-2">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
        {figures.map(([label, value, testId]) => (
          <div key={label}>
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="font-medium tabular-nums" data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      {live && <p className="text-xs text-muted-foreground">Over the cases scored so far; final when the run completes.</p>}
    </div>
  );
}
