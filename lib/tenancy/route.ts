import { currentCaller } from "@/lib/auth/session";
import { can, PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import type { Caller } from "./caller";
import type { TenantScope } from "./data";

export type RouteContext = TenantScope & { caller: Caller; userId: string; params: Record<string, string> };
type Params = { params: Promise<Record<string, string>> };

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * The one wrapper for tenant route handlers under /api/t/[tenant]: authenticates the caller,
 * resolves the tenant from their membership (the URL's slug is only a claim) and checks the
 * permission, answering 401, 404 or 403 in one JSON shape. API keys join here with the gateway.
 */
export function tenantRoute(
  permission: Permission,
  handler: (req: Request, ctx: RouteContext) => Promise<Response>,
) {
  return async (req: Request, { params }: Params): Promise<Response> => {
    try {
      const routeParams = await params;
      const slug = routeParams.tenant;
      const caller = await currentCaller();
      if (!caller.userId) return problem(401, "unauthenticated", "Sign in first.");
      const user = await db().user.findUnique({ where: { id: caller.userId }, select: { sessionVersion: true } });
      if (!user || user.sessionVersion !== caller.sessionVersion) return problem(401, "unauthenticated", "Your session has ended. Sign in again.");
      const m = await db().membership.findFirst({
        where: { userId: caller.userId, tenant: { slug } },
        select: { role: true, tenant: { select: { id: true, slug: true, name: true, status: true } } },
      });
      if (!m) return problem(404, "not_found", "No such tenant, or you are not a member of it.");
      if (!can(m.role, permission)) {
        return problem(403, "forbidden", `The ${ROLE_LABELS[m.role]} role may not ${PERMISSIONS[permission].label.toLowerCase()}.`);
      }
      const headers = new Headers({ "x-request-id": caller.requestId });
      const res = await handler(req, {
        tenantId: m.tenant.id, tenantSlug: m.tenant.slug, tenantName: m.tenant.name, status: m.tenant.status,
        role: m.role, caller, userId: caller.userId, params: routeParams,
      });
      headers.forEach((v, k) => res.headers.set(k, v));
      return res;
    } catch (error) {
      console.error("[route] unexpected failure:", error);
      return problem(500, "internal", "Something went wrong.");
    }
  };
}
