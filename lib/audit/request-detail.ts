import "server-only";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";
import { db } from "@/lib/db/client";
import { findRequestContent, type RequestContentView } from "@/lib/privacy/data";

export type RequestDetail = {
  id: string;
  route: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  endpointId: string | null;
  endpointName: string | null;
  version: { id: string; label: string } | null;
  actor: { kind: "key"; name: string; prefix: string } | { kind: "user"; email: string } | null;
  inputHash: string | null;
  /** The end user the request named (its `user` field), if any. */
  endUser: string | null;
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
  /** The prompt and response, redacted, while the tenant's retention keeps them; else why there are none. */
  content: RequestContentView;
};

/**
 * What a request record's id can be: a request id (lib/net/request-id.ts), with "~" and a suffix
 * when a caller reused one. Anything else (a NUL from a crafted URL, say) is no record, and the
 * database is not asked: PostgreSQL refuses a NUL in a parameter with an error, a 500.
 */
const RECORD_ID = /^[\x21-\x7e]{1,200}$/;

/** A request record of the tenant with the version that answered it; `userId` narrows it to that person's own requests. */
export async function findRequestRecord(where: { tenantId: string; id: string; userId?: string }) {
  if (!RECORD_ID.test(where.id)) return null;
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
  const [key, user, seal, content] = await Promise.all([
    r.apiKeyId ? db().apiKey.findFirst({ where: { tenantId: scope.tenantId, id: r.apiKeyId }, select: { name: true, prefix: true } }) : null,
    r.userId ? db().user.findUnique({ where: { id: r.userId }, select: { email: true } }) : null,
    findSealOf(scope.tenantId, r.id),
    findRequestContent(scope, r),
  ]);
  return {
    ...pick(r),
    costUsd: r.costUsd.toString(),
    version,
    actor: key ? { kind: "key", ...key } : user ? { kind: "user", email: user.email } : null,
    seal,
    content,
  };
}

/**
 * The seal that covers a record. Seals cover a tenant's records in (insertedAt, id) order, each
 * a range of it, so only a seal whose range holds the record has its list of ids read (OFFSET 0
 * keeps the range test below the list test). Searching the lists alone read every seal's list,
 * the tenant's whole history of record ids (up to 5,000 a seal, a seal a minute while traffic
 * lasts), on every request page.
 */
export const SEAL_OF_RECORD_SQL = `
  SELECT s."seq", s."auditSeq", s."count", s."createdAt"
  FROM "RequestRecord" r
  CROSS JOIN LATERAL (
    SELECT "seq", "auditSeq", "count", "createdAt", "recordIds" FROM "RequestSeal"
    WHERE "tenantId" = r."tenantId"
      AND ("firstInsertedAt", "firstId") <= (r."insertedAt", r."id") AND ("lastInsertedAt", "lastId") >= (r."insertedAt", r."id")
    OFFSET 0
  ) s
  WHERE r."tenantId" = $1 AND r."id" = $2 AND r."id" = ANY(s."recordIds")
  ORDER BY s."seq" LIMIT 1`;

async function findSealOf(tenantId: string, recordId: string): Promise<RequestDetail["seal"]> {
  const [seal] = await db().$queryRawUnsafe<NonNullable<RequestDetail["seal"]>[]>(SEAL_OF_RECORD_SQL, tenantId, recordId);
  return seal ?? null;
}

function pick(r: NonNullable<Awaited<ReturnType<typeof findRequestRecord>>>["record"]) {
  const { id, route, stream, status, errorCode, endpointId, endpointName, inputHash, endUser, inputTokens, outputTokens, tokensEstimated, latencyMs, ttftMs, attempts, createdAt } = r;
  return { id, route, stream, status, errorCode, endpointId, endpointName, inputHash, endUser, inputTokens, outputTokens, tokensEstimated, latencyMs, ttftMs, attempts, createdAt };
}
