import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { tenantRoute } from "@/lib/tenancy/route";

export const dynamic = "force-dynamic";

/** Walks the tenant's audit chain and names the first broken link, if any. */
export const GET = tenantRoute("audit.verify", async (_req, ctx) => Response.json(await verifyAuditChain(db(), ctx.tenantId)));
