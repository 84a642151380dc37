import type { ReactNode } from "react";
import { cn } from "./cn";

/** Props of EmptyState. */
export type EmptyStateProps = {
  /** Usually a lucide icon at `size-6`, marked aria-hidden. */
  icon?: ReactNode;
  title: string;
  description?: ReactNode;
  /** What the person can do next, e.g. a Button. */
  action?: ReactNode;
  className?: string;
};

/** A placeholder for a page or list with nothing to show yet, explaining why and what to do. */
export function EmptyState({ icon, title, description, action, className }: EmptyStateProps) {
  return (
    <div data-slot="empty-state" className={cn("flex flex-col items-center justify-center rounded-lg border border-dashed border-border px-6 py-12 text-center", className)}>
      {icon && <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">{icon}</div>}
      <h2 className="text-base font-semibold tracking-tight">{title}</h2>
      {description && <p className="mt-1.5 max-w-md text-sm text-muted-foreground">{description}</p>}
      {action && <div className="mt-5 flex items-center gap-2">{action}</div>}
    </div>
  );
}
