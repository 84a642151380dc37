import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { EvalRunStatus } from "@/lib/db/generated/enums";
import type { ChatMessage } from "@/lib/evals/dataset";

const STATUS: Record<EvalRunStatus, { label: string; variant: BadgeVariant }> = {
  QUEUED: { label: "queued", variant: "outline" },
  RUNNING: { label: "running", variant: "default" },
  COMPLETED: { label: "completed", variant: "success" },
  FAILED: { label: "failed", variant: "destructive" },
  CANCELLED: { label: "cancelled", variant: "outline" },
};

/** The statuses in the runs filter, keyed by the value the URL carries (`?status=running`). */
export const STATUS_PARAMS = {
  queued: "QUEUED",
  running: "RUNNING",
  completed: "COMPLETED",
  failed: "FAILED",
  cancelled: "CANCELLED",
} as const satisfies Record<string, EvalRunStatus>;

export const STATUS_OPTIONS = Object.entries(STATUS_PARAMS).map(([value, status]) => ({ value, label: STATUS[status].label }));

/** Whether the runner may still change the run: the page keeps refreshing until it may not. */
export const isLive = (status: EvalRunStatus) => status === "QUEUED" || status === "RUNNING";

/** A run's status as a badge: green once completed, red when it failed. */
export function RunStatusBadge({ status }: { status: EvalRunStatus }) {
  return (
    <Badge variant={STATUS[status].variant} data-testid="run-status">
      {STATUS[status].label}
    </Badge>
  );
}

/** One case's verdict: passed, failed, or unscored (the call or the scorer failed). */
export function VerdictBadge({ passed, unscored }: { passed: boolean; unscored: boolean }) {
  if (unscored) return <Badge variant="warning" data-testid="verdict">unscored</Badge>;
  return (
    <Badge variant={passed ? "success" : "destructive"} data-testid="verdict">
      {passed ? "pass" : "fail"}
    </Badge>
  );
}

/** "12 of 40". */
export const progressText = (r: { done: number; total: number }) => `${r.done} of ${r.total}`;

/** A score with two decimals, or a dash before the first case is scored. */
export const scoreText = (score: number | null) => (score === null ? "—" : score.toFixed(2));

/** "67 %" of the cases done so far, or a dash before the first. */
export const passRateText = (r: { passed: number; done: number }) => (r.done ? `${Math.round((r.passed / r.done) * 100)} %` : "—");

/** What a case asks: its last user message. */
export const questionOf = (messages: ChatMessage[]) => [...messages].reverse().find((m) => m.role === "user")?.content ?? "";

/** Long text cut for a table cell; the cell's title carries the whole. */
export const abbreviate = (text: string | null | undefined, max = 140) => {
  if (!text) return "";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
