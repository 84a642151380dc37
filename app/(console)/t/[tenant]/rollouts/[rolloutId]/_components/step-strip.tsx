import { ChevronRight } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { RolloutStatus } from "@/lib/db/generated/enums";
import { percentText } from "@/lib/rollouts/schemas";

/**
 * The candidate's share at each step, the current one marked, and production after the last: where
 * the rollout stands and what each promotion leads to.
 */
export function StepStrip({ stepsBp, stepIndex, status }: { stepsBp: number[]; stepIndex: number; status: RolloutStatus }) {
  const inProduction = status === "COMPLETED";
  const steps = [...stepsBp.map((bp, i) => ({ key: `step-${i}`, label: percentText(bp), name: `Step ${i + 1}` })), { key: "production", label: "production", name: "After the last step" }];
  return (
    <ol aria-label="Steps" data-testid="step-strip" className="flex flex-wrap items-center gap-1.5 text-sm">
      {steps.map((s, i) => {
        const current = inProduction ? s.key === "production" : i === stepIndex;
        const passed = inProduction ? s.key !== "production" : i < stepIndex;
        return (
          <li key={s.key} aria-current={current ? "step" : undefined} className="flex items-center gap-1.5">
            {i > 0 && <ChevronRight className="size-4 text-muted-foreground" aria-hidden />}
            <span
              className={cn(
                "rounded-md border border-border px-2.5 py-1 tabular-nums",
                current && "border-primary bg-primary font-medium text-primary-foreground",
                passed && "bg-muted text-muted-foreground",
              )}
            >
              <span className="sr-only">{s.name}: </span>
              {s.label}
              {current && <span className="sr-only"> (current)</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
