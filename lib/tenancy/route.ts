import { currentCaller, getSessionUser } from "@/lib/auth/session";
import { can, PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/auth/permissions";
import type { Caller } from "./caller";
import { findTenantScope, type TenantScope } from "./data";
import { READ_PERMISSIONS } from "./scope";
import { recordAdminVisit } from "./visit";

export type RouteContext = TenantScope & { caller: Caller; userId: string; userEmail: string; params: Record<string, string> };
type Params = { params: Promise<Record<string, string>> };

/** A route's refusal, in the one JSON shape every /api/t route answers with. */
export function problem(status: number, code: string, message: string, fieldErrors?: Record<string, string[]>): Response {
  return Response.json({ error: { code, message, fieldErrors } }, { status });
}

/**
 * The most a route's JSON body may hold: what the gateway takes by default (maxBodyBytes), which a
 * console request sent on through it is about the size of. Next sets no limit on a route handler's
 * body, and `req.json()` would buffer whatever a signed-in member sends, gigabytes included.
 */
export const MAX_ROUTE_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A route's JSON body, read up to MAX_ROUTE_BODY_BYTES and parsed (`value` is null when it is not
 * JSON), or the 413 to answer with, naming `what` ("A run's request") and the limit.
 */
export async function readRouteJson(req: Request, what: string): Promise<{ value: unknown } | Response> {
  const tooLarge = () => problem(413, "too_large", `${what} may hold at most ${MAX_ROUTE_BODY_BYTES / 1024 / 1024} MB.`);
  if (!req.body) return { value: null };
  if (Number(req.headers.get("content-length") ?? 0) > MAX_ROUTE_BODY_BYTES) return tooLarge();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ROUTE_BODY_BYTES) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { value: null };
  }
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
      const m = await findTenantScope(user, slug);
      if (!m) return problem(404, "not_found", "No such tenant, or you are not a member of it.");
      if (m.readOnly && !READ_PERMISSIONS.includes(permission)) {
        return problem(403, "read_only", "The platform admin sees this tenant read-only: only members may change it.");
      }
      if (!can(m.role, permission)) {
        return problem(403, "forbidden", `The ${ROLE_LABELS[m.role]} role may not ${PERMISSIONS[permission].label.toLowerCase()}.`);
      }
      if (m.status !== "ACTIVE" && !READ_PERMISSIONS.includes(permission)) {
        return problem(403, "tenant_suspended", "This tenant is suspended; its members may read, but nothing else.");
      }
      const caller = await currentCaller();
      if (m.readOnly) await recordAdminVisit(user, m.tenantId, caller);
      const res = await handler(req, { ...m, caller, userId: user.id, userEmail: user.email, params: routeParams });
      if (!res.headers.has("x-request-id")) res.headers.set("x-request-id", caller.requestId);
      return res;
    } catch (error) {
      console.error("[route] unexpected failure:", error);
      return problem(500, "internal", "Something went wrong.");
    }
  };
  return Object.assign(route, { permission });
}
