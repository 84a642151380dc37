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

/** A request record of the tenant with the version that answered it; `userId` narrows it to that person's own requests. */
export async function findRequestRecord(where: { tenantId: string; id: string; userId?: string }) {
  const record = await db().requestRecord.findFirst({ where });
  if (!record) return null;
  const version = record.modelVersionId
    ? await db().modelVersion.findFirst({ where: { tenantId: where.tenantId, id: record.modelVersionId }, select: { id: true, label: true } })
    : null;
  return { record, version };
}

/**
 * One request record of the tenant, with what answered it and the seal that proves it. Those who
 * read the audit trail see every record; anyone else only the requests they made themselves from
 * the console (the playground's runs), so a developer's prompts are not open to the whole tenant.
 */
export async function findRequestDetail(scope: { tenantId: string; userId: string; role: Role }, id: string): Promise<RequestDetail | null> {
  const found = await findRequestRecord({ tenantId: scope.tenantId, id, ...(can(scope.role, "audit.read") ? {} : { userId: scope.userId }) });
  if (!found) return null;
  const { record: r, version } = found;
  const [key, user, seal] = await Promise.all([
    r.apiKeyId ? db().apiKey.findFirst({ where: { tenantId: scope.tenantId, id: r.apiKeyId }, select: { name: true, prefix: true } }) : null,
    r.userId ? db().user.findUnique({ where: { id: r.userId }, select: { email: true } }) : null,
    db().requestSeal.findFirst({ where: { tenantId: scope.tenantId, recordIds: { has: r.id } }, select: { seq: true, auditSeq: true, count: true, createdAt: true } }),
  ]);
  return {
    ...pick(r),
    costUsd: r.costUsd.toString(),
    version,
    actor: key ? { kind: "key", ...key } : user ? { kind: "user", email: user.email } : null,
    seal,
  };
}

function pick(r: NonNullable<Awaited<ReturnType<typeof findRequestRecord>>>["record"]) {
  const { id, route, stream, status, errorCode, endpointName, inputHash, inputTokens, outputTokens, tokensEstimated, latencyMs, ttftMs, attempts, createdAt } = r;
  return { id, route, stream, status, errorCode, endpointName, inputHash, inputTokens, outputTokens, tokensEstimated, latencyMs, ttftMs, attempts, createdAt };
}
