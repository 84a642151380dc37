import { CircleAlert, CircleCheck } from "lucide-react";
import { cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { cn } from "./cn";

/** Props of Field. */
export type FieldProps = {
  label: ReactNode;
  /** The control's id; ties the label to it and names the message element `${htmlFor}-message`. */
  htmlFor: string;
  /** One message or several (e.g. every failed rule); all are shown. */
  error?: string | string[] | null;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
};

/** A labelled form control with its validation errors, or else a hint, underneath. */
export function Field({ label, htmlFor, error, hint, className, children }: FieldProps) {
  const messages = (Array.isArray(error) ? error : error ? [error] : []).filter(Boolean);
  const messageId = `${htmlFor}-message`;
  const hasMessage = messages.length > 0 || hint != null;
  // Screen readers then read the error or hint when the control gets focus, not only when it appears.
  const control =
    hasMessage && isValidElement<{ "aria-describedby"?: string }>(children) && !children.props["aria-describedby"]
      ? cloneElement(children as ReactElement<{ "aria-describedby"?: string }>, { "aria-describedby": messageId })
      : children;
  return (
    <div data-slot="field" className={cn("grid gap-1.5", className)}>
      <label htmlFor={htmlFor} className="text-sm font-medium leading-none text-foreground">
        {label}
      </label>
      {control}
      {messages.length > 0 ? (
        <div id={messageId} role="alert" className="space-y-0.5 text-xs text-destructive">
          {messages.map((m, i) => (
            <p key={i}>{m}</p>
          ))}
        </div>
      ) : hint != null ? (
        <p id={messageId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A form-level error banner, for what no single field is to blame for. Renders nothing without a message. */
export function FormError({ message, className }: { message?: string | null; className?: string }) {
  if (!message) return null;
  return (
    <div role="alert" className={cn("flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive", className)}>
      <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <p>{message}</p>
    </div>
  );
}

/** A form-level success banner, announced politely. Renders nothing without a message. */
export function FormSuccess({ message, className }: { message?: string | null; className?: string }) {
  if (!message) return null;
  return (
    <div role="status" className={cn("flex items-start gap-2 rounded-md border border-success/30 bg-success/10 px-3 py-2 text-sm text-success", className)}>
      <CircleCheck className="mt-0.5 size-4 shrink-0" aria-hidden />
      <p>{message}</p>
    </div>
  );
}
