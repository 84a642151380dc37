import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

const count = new Intl.NumberFormat("en-US");

/**
 * Previous and Next as links that rewrite one page parameter, keeping the others. For a second
 * paged table on a page whose first (a DataTable) owns `page`.
 */
export function PageLinks({ path, search, param, page, pageSize, total, shown }: {
  path: string;
  search: Record<string, string | undefined>;
  param: string;
  page: number;
  pageSize: number;
  total: number;
  /** Rows on this page. */
  shown: number;
}) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const href = (target: number) => {
    const params = new URLSearchParams(Object.entries(search).filter((e): e is [string, string] => typeof e[1] === "string"));
    if (target <= 1) params.delete(param);
    else params.set(param, String(target));
    const query = params.toString();
    return query ? `${path}?${query}` : path;
  };
  const first = shown ? (page - 1) * pageSize + 1 : 0;
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-muted-foreground">
      <p className="tabular-nums">{shown ? `Showing ${count.format(first)}–${count.format(first + shown - 1)} of ${count.format(total)}` : `Showing 0 of ${count.format(total)}`}</p>
      <div className="flex items-center gap-2">
        <span className="hidden tabular-nums sm:inline">Page {count.format(page)} of {count.format(pageCount)}</span>
        <StepLink href={page > 1 ? href(Math.min(page - 1, pageCount)) : null}>
          <ChevronLeft className="size-4" aria-hidden /> Previous
        </StepLink>
        <StepLink href={page < pageCount ? href(page + 1) : null}>
          Next <ChevronRight className="size-4" aria-hidden />
        </StepLink>
      </div>
    </div>
  );
}

function StepLink({ href, children }: { href: string | null; children: React.ReactNode }) {
  if (!href) return <Button variant="outline" size="sm" disabled>{children}</Button>;
  return (
    <Button asChild variant="outline" size="sm">
      <Link href={href} scroll={false}>{children}</Link>
    </Button>
  );
}
