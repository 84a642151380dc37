import { findPlaygroundRun } from "@/lib/playground/data";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** A finished run's figures, from its request record; only the person who ran it reads them here. */
export const GET = tenantRoute("endpoints.try", async (_req, ctx) => {
  const run = await findPlaygroundRun(ctx, ctx.params.requestId);
  if (!run) return problem(404, "not_found", "No such run of yours in this tenant.");
  return Response.json(run, { headers: { "cache-control": "no-store" } });
});
