import { cn } from "@/components/ui/cn";
import { progressText } from "../../../_components/eval-text";

/** How many of the run's cases are scored, as a bar and in words ("12 of 40 cases"). */
export function RunProgress({ done, total, live }: { done: number; total: number; live: boolean }) {
  const percent = total ? Math.round((done / total) * 100) : 0;
  return (
    <div className="space-y-1.5">
      <div
        role="progressbar"
        aria-label="Cases scored"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${progressText({ done, total })} cases`}
        data-testid="run-progress"
        className="h-2.5 w-full overflow-hidden rounded-full bg-muted"
      >
        <div className={cn("h-full rounded-full bg-primary transition-[width] duration-500", live && "motion-safe:animate-pulse")} style={{ width: `${percent}%` }} />
      </div>
      <p className="text-sm tabular-nums text-muted-foreground" data-testid="run-progress-text">
        {progressText({ done, total })} cases{live ? ", updating as they are scored" : ""}
      </p>
    </div>
  );
}
