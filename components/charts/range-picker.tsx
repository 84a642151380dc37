import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { RANGES, type RangeKey } from "@/lib/monitoring/ranges";

/**
 * The time-range choice as links (`?range=`), keeping the page's other parameters: the page renders
 * on the server for the range it is given, and a range is a URL one can share.
 */
export function RangePicker({ current, href }: { current: RangeKey; href: (range: RangeKey) => string }) {
  return (
    <nav aria-label="Time range" className="inline-flex flex-wrap rounded-md border border-border p-0.5 text-sm">
      {(Object.keys(RANGES) as RangeKey[]).map((key) => (
        <Link
          key={key}
          href={href(key)}
          aria-current={key === current ? "page" : undefined}
          title={RANGES[key].label}
          className={cn("rounded px-2.5 py-1 tabular-nums", key === current ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-foreground")}
        >
          {key}
        </Link>
      ))}
    </nav>
  );
}
