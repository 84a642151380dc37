import "server-only";
import { findRequestRecord } from "@/lib/audit/request-detail";
import { db } from "@/lib/db/client";
import { findPromptVersionByName } from "@/lib/prompts/data";
import { startFromVersion, type OpenRequest, type PlaygroundStart } from "./library";
import type { PlaygroundEndpoint, PlaygroundRunRecord } from "./schemas";

/** The tenant's chat endpoints with their versions, newest version first, for the playground's pickers. */
export async function listPlaygroundEndpoints(ctx: { tenantId: string }): Promise<PlaygroundEndpoint[]> {
  const rows = await db().endpoint.findMany({
    where: { tenantId: ctx.tenantId, kind: "CHAT" },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      disabledAt: true,
      activeVersionId: true,
      versions: { where: { tenantId: ctx.tenantId }, orderBy: { createdAt: "desc" }, select: { id: true, label: true, providerModel: true } },
    },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, disabled: r.disabledAt !== null, activeVersionId: r.activeVersionId, versions: r.versions }));
}

/** An endpoint of the tenant and, when asked for, one of its versions; null when either is not the tenant's. */
export async function findRunTarget(ctx: { tenantId: string }, endpointId: string, versionId: string | null | undefined) {
  const endpoint = await db().endpoint.findFirst({ where: { id: endpointId, tenantId: ctx.tenantId }, select: { id: true, name: true, kind: true } });
  if (!endpoint) return null;
  if (!versionId) return { endpoint, versionId: null };
  const version = await db().modelVersion.findFirst({ where: { id: versionId, endpointId: endpoint.id, tenantId: ctx.tenantId }, select: { id: true } });
  return version ? { endpoint, versionId: version.id } : null;
}

/**
 * A run's figures from its request record, for the person who ran it: the record is read back
 * rather than trusted from the stream, so tokens and cost are what budgets and exports count.
 */
export async function findPlaygroundRun(ctx: { tenantId: string; userId: string }, requestId: string): Promise<PlaygroundRunRecord | null> {
  const found = await findRequestRecord({ tenantId: ctx.tenantId, userId: ctx.userId, id: requestId });
  if (!found) return null;
  const { record: r, version } = found;
  return {
    requestId: r.id,
    status: r.status,
    errorCode: r.errorCode,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    tokensEstimated: r.tokensEstimated,
    costUsd: r.costUsd.toString(),
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    endpointName: r.endpointName,
    version,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The prompt version a playground link asks for, ready to open, or what to tell the person when the
 * tenant has no such prompt or version. Any member may open one; running it is another permission.
 */
export async function openPromptVersion(
  ctx: { tenantId: string },
  request: OpenRequest,
  endpoints: PlaygroundEndpoint[],
): Promise<{ ok: true; start: PlaygroundStart } | { ok: false; problem: string }> {
  const found = await findPromptVersionByName(ctx, request.name, request.version);
  if (!found) return { ok: false, problem: `No prompt named “${request.name}” in this tenant.` };
  const { prompt, version } = found;
  if (!version) {
    const range = prompt.latestVersion === 1 ? "only version 1" : `versions 1 to ${prompt.latestVersion}`;
    return { ok: false, problem: `${prompt.name} has no version ${request.version}; it has ${range}.` };
  }
  return { ok: true, start: startFromVersion({ name: prompt.name, ...version }, request.values, endpoints) };
}
