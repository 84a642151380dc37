import { exportFileName, type ExportClaim } from "@/lib/audit/export/export";
import { manifestLines } from "@/lib/audit/export/manifest";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** GET /api/t/[tenant]/audit/export/manifest?seq=N: the manifest of the export recorded as change #N, streamed as JSON lines. */
export const GET = tenantRoute("audit.verify", async (req, ctx) => {
  const seq = Number(new URL(req.url).searchParams.get("seq"));
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > 2_147_483_647) return problem(400, "invalid", "seq must be the number of an export's change event.", { seq: ["Give the export's change number"] });
  const found = await manifestLines(ctx.tenantId, seq);
  if (!found) return problem(404, "not_found", `Change #${seq} of this tenant is not an export.`);
  const { lines, claim } = found;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(ctx.tenantSlug, (claim as ExportClaim).until, "manifest")}"`,
      "cache-control": "no-store",
    },
  });
});
