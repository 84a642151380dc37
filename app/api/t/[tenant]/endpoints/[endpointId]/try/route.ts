import { db } from "@/lib/db/client";
import { tryEndpoint, tryEndpointSchema } from "@/lib/endpoints/try";
import { fieldErrorsOf } from "@/lib/tenancy/result";
import { problem, readRouteJson, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** The endpoint page's "try it" panel: one request through the gateway as the signed-in user. */
export const POST = tenantRoute("endpoints.try", async (req, ctx) => {
  const endpoint = await db().endpoint.findFirst({ where: { id: ctx.params.endpointId, tenantId: ctx.tenantId }, select: { name: true, kind: true } });
  if (!endpoint) return problem(404, "not_found", "No such endpoint in this tenant.");
  const body = await readRouteJson(req, "A try-it request");
  if (body instanceof Response) return body;
  const parsed = tryEndpointSchema.safeParse(body.value);
  if (!parsed.success) return problem(400, "invalid", parsed.error.issues[0]?.message ?? "Invalid request.", fieldErrorsOf(parsed.error));
  return tryEndpoint({ tenantId: ctx.tenantId, userId: ctx.userId }, endpoint, parsed.data, req.signal);
});
