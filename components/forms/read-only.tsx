import { Lock } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { scopeCan } from "@/lib/tenancy/scope";

/** What a screen knows about the viewer's hold on the tenant: their role, a read-only visit, the tenant's status. */
export type ScopeView = { role: Role; readOnly: boolean; status: "ACTIVE" | "SUSPENDED" };

/**
 * Whether a screen offers the form or button a permission allows. A suspended tenant takes no
 * changes, so nothing is offered there either; actions check all of this again on their own.
 */
export function mayChange(scope: ScopeView, permission: Permission): boolean {
  return scopeCan(scope, permission) && scope.status === "ACTIVE";
}

/** "Owners and admins", from the permission table, so the note never drifts from what Keel checks. */
export function rolesThatCan(permission: Permission, joiner: "and" | "or" = "and"): string {
  const names = PERMISSIONS[permission].roles.map((r, i) => plural(ROLE_LABELS[r], i === 0));
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} ${joiner} ${names[names.length - 1]}` : names[0];
}

/** "Approver (compliance)" -> "approvers (compliance)"; the first in a sentence keeps its capital. */
function plural(label: string, first: boolean): string {
  const [word, ...rest] = label.split(" ");
  const many = [`${word}s`, ...rest].join(" ");
  return first ? many : many.charAt(0).toLowerCase() + many.slice(1);
}

/**
 * Why the viewer sees values and no form: a read-only visit, a suspended tenant, or a role that
 * lacks the permission (then who has it). `doing` finishes "Owners and admins can …".
 */
export function cannotChangeNote(scope: ScopeView, permission: Permission, doing = "change this"): string {
  if (scope.readOnly) return "This is a read-only visit: nothing here can be changed.";
  if (scope.status !== "ACTIVE") return "This tenant is suspended: nothing can be changed until it is resumed.";
  return `${rolesThatCan(permission)} can ${doing}.`;
}

/** The short line that stands where a form or button would be, for those who may not use it. */
export function ReadOnlyNote({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <p data-testid="read-only-note" className={cn("flex items-center gap-1.5 text-xs text-muted-foreground", className)}>
      <Lock className="size-3.5 shrink-0" aria-hidden />
      <span>{children}</span>
    </p>
  );
}

/** Props of ReadOnlyFields. */
export type ReadOnlyField = { label: string; value: ReactNode; testId?: string };

/**
 * A form's fields shown as values (a definition list, not inputs) to someone who cannot submit
 * the form, with the note of who can. Nothing in it takes focus or looks editable.
 */
export function ReadOnlyFields({ fields, note, className }: { fields: ReadOnlyField[]; note?: ReactNode; className?: string }) {
  return (
    <div className={cn("space-y-3", className)}>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {fields.map((f) => (
          <div key={f.label} className="contents">
            <dt className="text-muted-foreground">{f.label}</dt>
            <dd data-testid={f.testId} className="font-medium">{f.value}</dd>
          </div>
        ))}
      </dl>
      {note && <ReadOnlyNote>{note}</ReadOnlyNote>}
    </div>
  );
}
