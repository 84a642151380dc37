import { z } from "zod";
import { db } from "@/lib/db/client";
import { tryEndpoint, tryEndpointSchema } from "@/lib/endpoints/try";
import { tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** The endpoint page's "try it" panel: one request through the gateway as the signed-in user. */
export const POST = tenantRoute("endpoints.try", async (req, ctx) => {
  const endpoint = await db().endpoint.findFirst({ where: { id: ctx.params.endpointId, tenantId: ctx.tenantId }, select: { name: true, kind: true } });
  if (!endpoint) return Response.json({ error: { code: "not_found", message: "No such endpoint in this tenant." } }, { status: 404 });
  const parsed = tryEndpointSchema.safeParse(await req.json().catch(() => null));
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return Response.json({ error: { code: "invalid", message: parsed.error.issues[0]?.message ?? "Invalid request.", fieldErrors } }, { status: 400 });
  }
  return tryEndpoint({ tenantId: ctx.tenantId, userId: ctx.userId }, endpoint, parsed.data, req.signal);
});
