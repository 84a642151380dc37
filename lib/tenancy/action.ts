import { z } from "zod";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { can, PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import { db, type Tx } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { Prisma } from "@/lib/db/generated/client";
import { publishInvalidation, type Invalidation } from "@/lib/gateway/invalidation";
import type { Caller } from "./caller";
import { ActionError, CommittedRefusal, fieldErrorsOf, toInput, type ActionResult } from "./result";

/** The verified identity an action runs as; tenant fields come from the membership row. */
export type ActionContext = {
  tx: Tx;
  caller: Caller;
  user: { id: string; email: string; isPlatformAdmin: boolean };
  /** Appends an audit event to a tenant's chain in this transaction. */
  audit: (tenantId: string, event: AuditInput) => Promise<void>;
  /**
   * Tells the gateways, once the transaction has committed, that something they cache changed
   * (a key, a tenant, an endpoint, a provider), so that they stop serving the old one at once.
   */
  invalidate: (change: Invalidation) => void;
};

export type TenantContext = ActionContext & { tenantId: string; tenantSlug: string; role: Role };

type Scope<S extends z.ZodType, C> = {
  schema: S;
  /** Who is acting; by default the session's user. */
  identify?: (tx: Tx, caller: Caller, input: z.output<S>) => Promise<ActionContext["user"]>;
  authorize: (tx: Tx, user: ActionContext["user"], input: z.output<S>) => Promise<Omit<C, keyof ActionContext>>;
  /** Account changes touch no tenant by themselves; everything else must leave an audit event. */
  requireAudit: boolean;
};

/** A server action with its caller supplied by the session layer; `runAs` supplies it directly. */
export type Action<T> = ((input: unknown) => Promise<ActionResult<T>>) & {
  runAs: (caller: Caller, input: unknown) => Promise<ActionResult<T>>;
  /** Who may run it: a tenant permission, the platform admin, or the caller on their own account. */
  guard: Permission | "platform" | "self";
};

const tenantField = z.object({ tenant: z.string().min(1, "Tenant is required").max(64) });

/**
 * The one factory for tenant mutations: parse (all field errors at once), require a session,
 * load the membership for (tenant, user), check the permission, then run the change and its
 * audit event in one transaction, and announce what the gateways must reload once it commits.
 * The tenant in the input is only a claim.
 */
export function tenantAction<S extends z.ZodObject, T>(def: {
  schema: S;
  permission: Permission;
  run: (ctx: TenantContext, input: z.output<S>) => Promise<T>;
}): Action<T> {
  const schema = def.schema.extend(tenantField.shape);
  return defineAction<typeof schema, TenantContext, T>(
    {
      schema,
      authorize: async (tx, user, input) => {
        const membership = await tx.membership.findFirst({
          where: { userId: user.id, tenant: { slug: (input as { tenant: string }).tenant } },
          select: { role: true, tenant: { select: { id: true, slug: true, status: true } } },
        });
        if (!membership) throw new ActionError("Not found: no such tenant, or you are not a member of it.", "not_found");
        if (membership.tenant.status !== "ACTIVE") throw new ActionError("This tenant is suspended; changes are not allowed.", "forbidden");
        // Locking the tenant row orders this tenant's mutations, so checks such as "the last
        // owner stays" hold under concurrency.
        await tx.$executeRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${membership.tenant.id} FOR UPDATE`;
        if (!can(membership.role, def.permission)) {
          throw new ActionError(
            `Forbidden: the ${ROLE_LABELS[membership.role]} role may not ${PERMISSIONS[def.permission].label.toLowerCase()}.`,
            "forbidden",
          );
        }
        return { tenantId: membership.tenant.id, tenantSlug: membership.tenant.slug, role: membership.role };
      },
      requireAudit: true,
    },
    def.run as (ctx: TenantContext, input: z.output<typeof schema>) => Promise<T>,
    def.permission,
  );
}

/** The same factory for the platform admin's actions at /admin. */
export function platformAction<S extends z.ZodObject, T>(def: {
  schema: S;
  run: (ctx: ActionContext, input: z.output<S>) => Promise<T>;
}): Action<T> {
  return defineAction<S, ActionContext, T>(
    {
      schema: def.schema,
      authorize: async (_tx, user) => {
        if (!user.isPlatformAdmin) throw new ActionError("Forbidden: only platform admins may do this.", "forbidden");
        return {};
      },
      requireAudit: true,
    },
    def.run,
    "platform",
  );
}

/**
 * The same factory for changes to one's own account: the session's user, or, for a one-time
 * link, the user that `identify` resolves from the input's token.
 */
export function accountAction<S extends z.ZodObject, T>(def: {
  schema: S;
  identify?: Scope<S, ActionContext>["identify"];
  run: (ctx: ActionContext, input: z.output<S>) => Promise<T>;
}): Action<T> {
  return defineAction<S, ActionContext, T>(
    { schema: def.schema, identify: def.identify, authorize: async () => ({}), requireAudit: false },
    def.run,
    "self",
  );
}

function defineAction<S extends z.ZodType, C extends ActionContext, T>(
  scope: Scope<S, C>,
  run: (ctx: C, input: z.output<S>) => Promise<T>,
  guard: Action<T>["guard"],
): Action<T> {
  const runAs = async (caller: Caller, raw: unknown): Promise<ActionResult<T>> => {
    try {
      const parsed = scope.schema.safeParse(toInput(raw));
      if (!parsed.success) {
        return { ok: false, error: "Some fields need attention.", fieldErrors: fieldErrorsOf(parsed.error) };
      }
      const changed: Invalidation[] = [];
      let refusal: CommittedRefusal | null = null;
      const data = await db().$transaction(
        async (tx) => {
          const user = await (scope.identify ?? authenticate)(tx, caller, parsed.data);
          let audited = false;
          const audit = async (tenantId: string, event: AuditInput) => {
            await recordAudit(tx, tenantId, { type: "USER", id: user.id, label: user.email }, caller, event);
            audited = true;
          };
          const scoped = await scope.authorize(tx, user, parsed.data);
          const invalidate = (change: Invalidation) => void changed.push(change);
          let result: T;
          try {
            result = await run({ ...scoped, tx, caller, user, audit, invalidate } as C, parsed.data);
          } catch (error) {
            if (!(error instanceof CommittedRefusal)) throw error;
            // What a tenant or platform action writes is audited or undone: a refusal that would
            // commit unaudited writes rolls back like any other error, its message still shown.
            if (scope.requireAudit && !audited) throw error;
            refusal = error;
            return undefined as T;
          }
          if (scope.requireAudit && !audited) throw new Error("Every mutation must write an audit event; this action wrote none.");
          return result;
        },
        { timeout: 20_000, maxWait: 20_000 },
      );
      if (refusal) return toFailure(refusal);
      // Only now: a gateway told earlier could reload the old row and keep it for a whole TTL.
      publishInvalidation(changed);
      return { ok: true, data };
    } catch (error) {
      return toFailure(error);
    }
  };
  const action = (async (input: unknown) => {
    const { currentCaller } = await import("@/lib/auth/session");
    return runAs(await currentCaller(), input);
  }) as Action<T>;
  action.runAs = runAs;
  action.guard = guard;
  return action;
}

async function authenticate(tx: Tx, caller: Caller): Promise<ActionContext["user"]> {
  if (!caller.userId) throw new ActionError("You are not signed in.", "unauthenticated");
  const user = await tx.user.findUnique({
    where: { id: caller.userId },
    select: { id: true, email: true, isPlatformAdmin: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== caller.sessionVersion) {
    throw new ActionError("Your session has ended. Sign in again.", "unauthenticated");
  }
  return { id: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin };
}

function toFailure(error: unknown): { ok: false; error: string; fieldErrors?: Record<string, string[]> } {
  if (error instanceof ActionError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    return { ok: false, error: "That already exists." };
  }
  console.error("[action] unexpected failure:", error);
  return { ok: false, error: "Something went wrong; nothing was changed. Try again." };
}
