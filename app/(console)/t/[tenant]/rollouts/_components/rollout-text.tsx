import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { RolloutStatus } from "@/lib/db/generated/enums";
import { percentText } from "@/lib/rollouts/schemas";

const STATUS: Record<RolloutStatus, { label: string; variant: BadgeVariant }> = {
  RUNNING: { label: "running", variant: "default" },
  COMPLETED: { label: "in production", variant: "success" },
  ROLLED_BACK: { label: "rolled back", variant: "destructive" },
  REJECTED: { label: "rejected", variant: "destructive" },
  CANCELLED: { label: "cancelled", variant: "outline" },
};

/** The statuses in the list's filter, keyed by the value the URL carries (`?status=rolled-back`). */
export const STATUS_PARAMS = {
  running: "RUNNING",
  completed: "COMPLETED",
  "rolled-back": "ROLLED_BACK",
  rejected: "REJECTED",
  cancelled: "CANCELLED",
} as const satisfies Record<string, RolloutStatus>;

export const STATUS_OPTIONS = Object.entries(STATUS_PARAMS).map(([value, status]) => ({ value, label: STATUS[status].label }));

/** A rollout's status as a badge: green once in production, red when it was rolled back or rejected. */
export function RolloutStatusBadge({ status }: { status: RolloutStatus }) {
  return (
    <Badge variant={STATUS[status].variant} data-testid="rollout-status">
      {STATUS[status].label}
    </Badge>
  );
}

/** "2 of 3 · 10 %": the step the candidate is on and the share of traffic it takes there. */
export function stepText(r: { stepsBp: number[]; stepIndex: number }): string {
  return `${r.stepIndex + 1} of ${r.stepsBp.length} · ${percentText(r.stepsBp[r.stepIndex])}`;
}

/** Where a promotion leads: "step 2 (10 %)" or "production". */
export function promotionText(stepsBp: number[], toStep: number): string {
  return toStep >= stepsBp.length ? "production" : `step ${toStep + 1} (${percentText(stepsBp[toStep])})`;
}
