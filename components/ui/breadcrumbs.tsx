import Link from "next/link";
import { ChevronRight } from "lucide-react";
import { cn } from "./cn";

/** One step of a breadcrumb trail; without `href` it is plain text. */
export type BreadcrumbItem = { label: string; href?: string };

/** The trail to the current page; the last item is the current page and never a link. */
export function Breadcrumbs({ items, className }: { items: BreadcrumbItem[]; className?: string }) {
  if (items.length === 0) return null;
  return (
    <nav aria-label="Breadcrumb" className={className}>
      <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
        {items.map((item, i) => {
          const last = i === items.length - 1;
          return (
            <li key={`${i}-${item.label}`} className="inline-flex min-w-0 items-center gap-1.5">
              {i > 0 && <ChevronRight className="size-3.5 shrink-0 opacity-60" aria-hidden />}
              {last ? (
                <span aria-current="page" className="truncate font-medium text-foreground">
                  {item.label}
                </span>
              ) : item.href ? (
                <Link href={item.href} className={cn("truncate rounded-sm transition-colors hover:text-foreground", "focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring")}>
                  {item.label}
                </Link>
              ) : (
                <span className="truncate">{item.label}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
