import { COST_GROUPS, COST_RANGES, parseCostGroup, parseCostRange } from "@/lib/monitoring/cost-ranges";
import { costReport } from "@/lib/monitoring/costs";
import { costCsv } from "@/lib/monitoring/cost-csv";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { problem, tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** GET /api/t/[tenant]/costs/export?range=30d&group=endpoint: the cost explorer's table as CSV, exact to 1e-8 dollars. */
export const GET = tenantRoute("tenant.read", async (req, ctx) => {
  const url = new URL(req.url);
  const fieldErrors: Record<string, string[]> = {};
  const given = { range: url.searchParams.get("range"), group: url.searchParams.get("group") };
  if (given.range !== null && !Object.hasOwn(COST_RANGES, given.range)) fieldErrors.range = [`One of ${Object.keys(COST_RANGES).join(", ")}`];
  if (given.group !== null && !Object.hasOwn(COST_GROUPS, given.group)) fieldErrors.group = [`One of ${Object.keys(COST_GROUPS).join(", ")}`];
  if (Object.keys(fieldErrors).length) return problem(400, "invalid", "The cost export takes a known range and group.", fieldErrors);
  const range = parseCostRange(given.range);
  const group = parseCostGroup(given.group);
  if (group === "endUser" && !can(ctx.role, "audit.read")) {
    return problem(403, "forbidden", `Spend by end user is for those who read the audit trail; the ${ROLE_LABELS[ctx.role]} role does not.`);
  }
  const report = await costReport(ctx, range, group);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return new Response(costCsv(group, report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="keel-costs-${ctx.tenantSlug}-${group}-${day(report.from)}-to-${day(report.to - 1)}.csv"`,
      "cache-control": "no-store",
    },
  });
});
