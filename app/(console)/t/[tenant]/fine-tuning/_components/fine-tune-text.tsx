import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { FineTuneStatus } from "@/lib/db/generated/enums";

const STATUS: Record<FineTuneStatus, { label: string; variant: BadgeVariant }> = {
  QUEUED: { label: "queued", variant: "secondary" },
  RUNNING: { label: "running", variant: "default" },
  SUCCEEDED: { label: "succeeded", variant: "success" },
  FAILED: { label: "failed", variant: "destructive" },
  CANCELLED: { label: "cancelled", variant: "outline" },
};

/** The statuses in the list's filter, keyed by the value the URL carries (`?status=failed`). */
export const STATUS_PARAMS = {
  queued: "QUEUED",
  running: "RUNNING",
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  cancelled: "CANCELLED",
} as const satisfies Record<string, FineTuneStatus>;

export const STATUS_OPTIONS = Object.entries(STATUS_PARAMS).map(([value, status]) => ({ value, label: STATUS[status].label }));

/** Whether the job may still change, so the page keeps refreshing and offers Cancel. */
export function isLive(status: FineTuneStatus): boolean {
  return status === "QUEUED" || status === "RUNNING";
}

/** A job's status as a badge: green once its model is a version, red when it failed. */
export function FineTuneStatusBadge({ status }: { status: FineTuneStatus }) {
  return (
    <Badge variant={STATUS[status].variant} data-testid="finetune-status">
      {STATUS[status].label}
    </Badge>
  );
}
