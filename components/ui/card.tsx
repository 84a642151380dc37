import type { ComponentProps } from "react";
import { cn } from "./cn";

/** A bordered surface grouping related content; clips its corners so edge-to-edge tables fit. */
export function Card({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="card" className={cn("overflow-hidden rounded-lg border border-border bg-card text-card-foreground shadow-xs", className)} {...props} />;
}

/** The top of a Card: title and description. */
export function CardHeader({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="card-header" className={cn("flex flex-col gap-1.5 p-5", className)} {...props} />;
}

/** A Card's heading. */
export function CardTitle({ className, ...props }: ComponentProps<"h3">) {
  return <h3 data-slot="card-title" className={cn("text-base font-semibold leading-tight tracking-tight", className)} {...props} />;
}

/** A line of muted text under a CardTitle. */
export function CardDescription({ className, ...props }: ComponentProps<"p">) {
  return <p data-slot="card-description" className={cn("text-sm text-muted-foreground", className)} {...props} />;
}

/** A Card's body; sits flush under CardHeader. */
export function CardContent({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="card-content" className={cn("p-5 pt-0", className)} {...props} />;
}

/** A Card's bottom row, usually actions. */
export function CardFooter({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="card-footer" className={cn("flex items-center gap-2 p-5 pt-0", className)} {...props} />;
}
