import { currentCaller, getSessionUser } from "@/lib/auth/session";
import { can, PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import type { Caller } from "./caller";
import { findMembership, type TenantScope } from "./data";

/** Permissions that only read: the one kind of route a suspended tenant's members may still use. */
const READS: readonly Permission[] = ["tenant.read", "members.read", "audit.read", "audit.verify"];

export type RouteContext = TenantScope & { caller: Caller; userId: string; params: Record<string, string> };
type Params = { params: Promise<Record<string, string>> };

/** A route's refusal, in the one JSON shape every /api/t route answers with. */
export function problem(status: number, code: string, message: string, fieldErrors?: Record<string, string[]>): Response {
  return Response.json({ error: { code, message, fieldErrors } }, { status });
}

/**
 * The one wrapper for tenant route handlers under /api/t/[tenant]: authenticates the caller,
 * resolves the tenant from their membership (the URL's slug is only a claim) and checks the
 * permission, answering 401, 404 or 403 in one JSON shape. (API keys authenticate in lib/gateway.)
 */
export function tenantRoute(
  permission: Permission,
  handler: (req: Request, ctx: RouteContext) => Promise<Response>,
) {
  const route = async (req: Request, { params }: Params): Promise<Response> => {
    try {
      const routeParams = await params;
      const slug = routeParams.tenant;
      const user = await getSessionUser();
      if (!user) return problem(401, "unauthenticated", "Sign in first.");
      const m = await findMembership(user.id, slug);
      if (!m) return problem(404, "not_found", "No such tenant, or you are not a member of it.");
      if (!can(m.role, permission)) {
        return problem(403, "forbidden", `The ${ROLE_LABELS[m.role]} role may not ${PERMISSIONS[permission].label.toLowerCase()}.`);
      }
      if (m.status !== "ACTIVE" && !READS.includes(permission)) {
        return problem(403, "tenant_suspended", "This tenant is suspended; its members may read, but nothing else.");
      }
      const caller = await currentCaller();
      const res = await handler(req, { ...m, caller, userId: user.id, params: routeParams });
      if (!res.headers.has("x-request-id")) res.headers.set("x-request-id", caller.requestId);
      return res;
    } catch (error) {
      console.error("[route] unexpected failure:", error);
      return problem(500, "internal", "Something went wrong.");
    }
  };
  return Object.assign(route, { permission });
}
