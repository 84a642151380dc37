import "server-only";
import { db } from "@/lib/db/client";
import { driftSeries, versionDrift } from "./versions";

/** A version's drift now and per day, for its page: the version is looked up in the tenant only. */
export async function findVersionDrift(ctx: { tenantId: string }, versionId: string) {
  const [drift, series] = await Promise.all([versionDrift(db(), ctx.tenantId, versionId), driftSeries(db(), ctx.tenantId, versionId)]);
  return { drift, series };
}
