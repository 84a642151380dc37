import { recordRouteAudit } from "@/lib/audit/route-audit";
import type { VerifyProgress } from "@/lib/audit/verify-progress";
import { headAnchorDir, verifiedEvent, verifyTrails, type TrailsVerdict } from "@/lib/audit/verify-trails";
import { db } from "@/lib/db/client";
import { tenantRoute, type RouteContext } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/**
 * Verifies the tenant's audit chain, request records and prompt library, names the first problem
 * of each, and records the verification in the chain (`audit.verified`) as the caller's. Answers one
 * JSON verdict, or with `?progress=1` (or `Accept: application/x-ndjson`) NDJSON lines as it goes:
 * `{"type":"progress","phase","done","total"}`, then `{"type":"verdict",...}` or `{"type":"error","message"}`.
 */
export const GET = tenantRoute("audit.verify", async (req, ctx) => {
  const verify = (onProgress?: (p: VerifyProgress) => void) => verifyTrails(db(), ctx.tenantId, { anchorDir: headAnchorDir(), onProgress });
  if (!wantsProgress(req)) return Response.json(await recorded(ctx, await verify()));

  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: object) => {
        if (open) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      };
      try {
        const verdict = await verify((p) => send({ type: "progress", ...p }));
        send({ type: "verdict", ...(await recorded(ctx, verdict)) });
      } catch (error) {
        console.error("[audit] verify failed:", error);
        send({ type: "error", message: "Verification could not finish; nothing was recorded. Try again." });
      }
      if (open) controller.close();
      open = false;
    },
    cancel() {
      open = false;
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "x-accel-buffering": "no" },
  });
});

/** The verdict, once its verification is an event of the chain (`recordedAs`: that event's seq). */
async function recorded(ctx: RouteContext, verdict: TrailsVerdict): Promise<TrailsVerdict & { recordedAs: number }> {
  const { seq } = await recordRouteAudit(ctx, verifiedEvent(verdict));
  return { ...verdict, recordedAs: seq };
}

function wantsProgress(req: Request): boolean {
  return new URL(req.url).searchParams.get("progress") === "1" || (req.headers.get("accept") ?? "").includes("application/x-ndjson");
}
