import { headAnchorDir, verifyTrails } from "@/lib/audit/verify-trails";
import { db } from "@/lib/db/client";
import { tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** Verifies the tenant's audit chain, request records and prompt library, and names the first problem of each. */
export const GET = tenantRoute("audit.verify", async (_req, ctx) =>
  Response.json(await verifyTrails(db(), ctx.tenantId, { anchorDir: headAnchorDir() })),
);
