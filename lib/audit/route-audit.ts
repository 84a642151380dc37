import { db } from "@/lib/db/client";
import type { RouteContext } from "@/lib/tenancy/route";
import { recordAudit, type AuditInput } from "./record";

/**
 * Appends an audit event for what a route did at its caller's request, as the action factory does
 * for a mutation: in a transaction of its own, as the signed-in user, in the tenant their
 * membership resolved (tenantRoute's `ctx`, never the URL's slug).
 */
export async function recordRouteAudit(ctx: Pick<RouteContext, "tenantId" | "userId" | "userEmail" | "caller">, event: AuditInput): Promise<{ seq: number }> {
  const { ip, userAgent, requestId } = ctx.caller;
  const { seq } = await db().$transaction((tx) => recordAudit(tx, ctx.tenantId, { type: "USER", id: ctx.userId, label: ctx.userEmail }, { ip, userAgent, requestId }, event));
  return { seq };
}
