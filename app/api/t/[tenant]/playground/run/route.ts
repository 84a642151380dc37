import { findRunTarget } from "@/lib/playground/data";
import { runPlayground } from "@/lib/playground/run";
import { playgroundRunSchema } from "@/lib/playground/schemas";
import { fieldErrorsOf } from "@/lib/tenancy/result";
import { problem, readRouteJson, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** The playground's Run: one streamed chat request through the gateway as the signed-in user. */
export const POST = tenantRoute("endpoints.try", async (req, ctx) => {
  const body = await readRouteJson(req, "A run's request");
  if (body instanceof Response) return body;
  const parsed = playgroundRunSchema.safeParse(body.value);
  if (!parsed.success) return problem(400, "invalid", parsed.error.issues[0]?.message ?? "Invalid request.", fieldErrorsOf(parsed.error));
  const target = await findRunTarget(ctx, parsed.data.endpointId, parsed.data.versionId);
  if (!target) return problem(404, "not_found", "No such endpoint or version in this tenant.");
  if (target.endpoint.kind !== "CHAT") return problem(400, "invalid", "The playground runs chat endpoints; this one makes embeddings.", { endpointId: ["Pick a chat endpoint"] });
  return runPlayground({ tenantId: ctx.tenantId, userId: ctx.userId }, { endpointName: target.endpoint.name, versionId: target.versionId }, parsed.data, req.signal);
});
