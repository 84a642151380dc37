import "server-only";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { db } from "@/lib/db/client";

export type RequestDetail = {
  id: string;
  route: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  endpointName: string | null;
  version: { id: string; label: string } | null;
  actor: { kind: "key"; name: string; prefix: string } | { kind: "user"; email: string } | null;
  inputHash: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: string;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  createdAt: Date;
  /** The seal whose Merkle root, in the tenant's signed audit chain, covers this record; null until the sealer has reached it. */
  seal: { seq: number; auditSeq: number; count: number; createdAt: Date } | null;
};

/**
 * One request record of the tenant, with what answered it and the seal that proves it. Those who
 * read the audit trail see every record; anyone else only the requests they made themselves from
 * the console (the playground's runs), so a developer's prompts are not open to the whole tenant.
 */
export async function findRequestDetail(scope: { tenantId: string; userId: string; role: Role }, id: string): Promise<RequestDetail | null> {
  const r = await db().requestRecord.findFirst({
    where: { tenantId: scope.tenantId, id, ...(can(scope.role, "audit.read") ? {} : { userId: scope.userId }) },
  });
  if (!r) return null;
  const [version, key, user, seal] = await Promise.all([
    r.modelVersionId ? db().modelVersion.findFirst({ where: { tenantId: scope.tenantId, id: r.modelVersionId }, select: { id: true, label: true } }) : null,
    r.apiKeyId ? db().apiKey.findFirst({ where: { tenantId: scope.tenantId, id: r.apiKeyId }, select: { name: true, prefix: true } }) : null,
    r.userId ? db().user.findUnique({ where: { id: r.userId }, select: { email: true } }) : null,
    db().requestSeal.findFirst({ where: { tenantId: scope.tenantId, recordIds: { has: r.id } }, select: { seq: true, auditSeq: true, count: true, createdAt: true } }),
  ]);
  return {
    id: r.id,
    route: r.route,
    stream: r.stream,
    status: r.status,
    errorCode: r.errorCode,
    endpointName: r.endpointName,
    version,
    actor: key ? { kind: "key", ...key } : user ? { kind: "user", email: user.email } : null,
    inputHash: r.inputHash,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    tokensEstimated: r.tokensEstimated,
    costUsd: r.costUsd.toString(),
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    attempts: r.attempts,
    createdAt: r.createdAt,
    seal,
  };
}
