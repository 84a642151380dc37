import type { ComponentProps } from "react";
import { cn } from "./cn";

const control =
  "w-full min-w-0 rounded-md border border-input bg-background px-3 text-sm shadow-xs transition-[color,border-color,box-shadow] " +
  "placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-hidden focus-visible:ring-3 focus-visible:ring-ring/25 " +
  "disabled:cursor-not-allowed disabled:opacity-50 " +
  "aria-invalid:border-destructive aria-invalid:focus-visible:border-destructive aria-invalid:focus-visible:ring-destructive/20";

/** A text input; `aria-invalid` turns its border red. Every native input prop passes through. */
export function Input({ className, type = "text", ...props }: ComponentProps<"input">) {
  return (
    <input
      type={type}
      data-slot="input"
      className={cn(
        control,
        "h-9 py-1 file:mr-3 file:border-0 file:bg-transparent file:text-sm file:font-medium file:text-foreground",
        className,
      )}
      {...props}
    />
  );
}

/** A multi-line text input styled like Input. */
export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea data-slot="textarea" className={cn(control, "min-h-20 py-2 leading-relaxed", className)} {...props} />;
}

/** A native <select> styled like Input; native keeps keyboard, mobile pickers and form posts for free. */
export function NativeSelect({ className, ...props }: ComponentProps<"select">) {
  return <select data-slot="select" className={cn(control, "select-chevron h-9 cursor-pointer py-1 pr-9", className)} {...props} />;
}
