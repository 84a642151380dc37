import { EXPORT_FORMATS, type ExportFormat } from "@/lib/audit/export/format";
import { MAX_EXPORTS_PER_TENANT, exportFileName, streamExport } from "@/lib/audit/export/export";
import { parseExplorerParams } from "@/lib/audit/explorer/filters";
import { FILTER_PARAMS } from "@/lib/audit/explorer/params";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

const CONTENT_TYPE: Record<ExportFormat, string> = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson; charset=utf-8" };

/**
 * GET /api/t/[tenant]/audit/export?format=csv|jsonl&<the explorer's filters>: the filtered trail as
 * a file, streamed; the export is recorded in the chain when it ends, and its manifest
 * (…/export/manifest?seq=) lets anyone re-verify the file offline with Keel's public key.
 */
export const GET = tenantRoute("audit.verify", async (req, ctx) => {
  const url = new URL(req.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return problem(400, "invalid", "format must be csv or jsonl.", { format: ["Choose csv or jsonl"] });
  const search = Object.fromEntries(url.searchParams);
  delete search.cursor;
  delete search.back;
  delete search.open;
  const parsed = parseExplorerParams(search);
  if (!parsed.ok) return problem(400, "invalid", "Some filters are not valid; nothing was exported.", parsed.errors);
  const filterParams = Object.fromEntries(FILTER_PARAMS.map((k) => [k, search[k] ?? ""]).filter(([, v]) => v));
  const until = new Date();
  const headers = {
    "content-type": CONTENT_TYPE[format as ExportFormat],
    "content-disposition": `attachment; filename="${exportFileName(ctx.tenantSlug, until, format as ExportFormat)}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  // Next answers HEAD with GET's response and neither reads nor cancels its body: an export begun
  // for it would be recorded unread and, past one page, hold one of the tenant's places for ever.
  if (req.method === "HEAD") return new Response(null, { headers });
  const stream = streamExport({
    by: ctx,
    filters: parsed.filters,
    filterParams,
    format: format as ExportFormat,
    order: parsed.params.order,
    until,
  });
  if (!stream) return problem(429, "busy", `This tenant already has ${MAX_EXPORTS_PER_TENANT} exports running; try again when one has finished.`);
  return new Response(stream, { headers });
});
