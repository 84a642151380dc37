import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time";
import type { RolloutDetail } from "@/lib/rollouts/data";
import { RolloutStatusBadge, stepText } from "../../_components/rollout-text";
import { StepStrip } from "./step-strip";

type Fact = { label: string; value: ReactNode; testId?: string };

const STICKINESS = { KEY: "Per API key: each key stays on one side", USER: "Per end user: the request's user field (the key when it names none)" } as const;

/** Where the rollout stands, who asked for it, and the rules it runs under. */
export function RolloutFacts({ r }: { r: RolloutDetail }) {
  const g = r.guards;
  const facts: (Fact | false)[] = [
    { label: "Status", value: <RolloutStatusBadge status={r.status} /> },
    { label: "Step", value: r.status === "COMPLETED" ? "In production" : `Step ${stepText(r)}`, testId: "current-step" },
    r.status === "RUNNING" && { label: "Burn-in ends", value: <LocalTime value={r.opensAt} precision="minute" />, testId: "burn-in-ends" },
    r.endedAt !== null && {
      label: "Ended",
      value: <><LocalTime value={r.endedAt} precision="minute" />{r.endReason ? `: ${r.endReason}` : ""}</>,
      testId: "end-reason",
    },
    { label: "Requested by", value: r.requestedBy },
    { label: "Started", value: <LocalTime value={r.createdAt} precision="minute" /> },
    { label: "Burn-in per step", value: `${r.burnInMinutes} minute${r.burnInMinutes === 1 ? "" : "s"}` },
    { label: "Stickiness", value: STICKINESS[r.stickiness] },
    { label: "Approvals per promotion", value: `${r.approvalsNeeded}, never the requester's own` },
    {
      label: "Guards",
      testId: "guards",
      value: (
        <ul className="space-y-0.5">
          <li>Error rate at most the baseline&apos;s + {g.maxErrorRateIncrease} points</li>
          <li>p95 latency at most {g.maxLatencyRatio}× the baseline&apos;s</li>
          <li>Cost per request at most {g.maxCostRatio}× the baseline&apos;s</li>
          <li>{g.drift ? "No drift alert on the candidate" : "Drift not guarded"}</li>
          <li>An evaluation of the candidate since the rollout began at most {g.maxEvalScoreDrop} below the baseline&apos;s on the same dataset</li>
          <li className="text-muted-foreground">Each applies once both sides have {g.minRequests} requests, and only to a significant difference (p &lt; 0.05).</li>
        </ul>
      ),
    },
  ];
  return (
    <div className="space-y-4">
      <StepStrip stepsBp={r.stepsBp} stepIndex={r.stepIndex} status={r.status} />
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {facts.filter((f): f is Fact => f !== false).map((f) => (
          <div key={f.label} className="contents">
            <dt className="text-muted-foreground">{f.label}</dt>
            <dd data-testid={f.testId}>{f.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
