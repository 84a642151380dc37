import { chainHash, type ChainedContent } from "@/lib/audit/chain";
import { verifyHead, type AuditPublicKeys } from "@/lib/audit/signer";
import { db } from "@/lib/db/client";
import { DELETED_ACTION, VERSION_ACTIONS, claimOf, contentHash, differencesFrom, type StoredVersion, type VersionClaim } from "@/lib/prompts/integrity";

/** A prompt event with the signed head Keel stored for it (null fields when there is none). */
type TrailEvent = ChainedContent & {
  id: string;
  prevHash: string;
  hash: string;
  headHash: string | null;
  keyId: string | null;
  signature: string | null;
  signedAt: Date | null;
};

const COLUMNS = `e."id", e."tenantId", e."seq", e."actorType"::text AS "actorType", e."actorId", e."actorLabel", e."action", e."resourceType",
  e."resourceId", e."before", e."after", e."ip", e."userAgent", e."requestId", e."createdAt", e."prevHash", e."hash",
  h."hash" AS "headHash", h."keyId", h."signature", h."signedAt"`;
const PROMPT_EVENTS = `"AuditEvent" WHERE "tenantId" = $1 AND "resourceType" = 'prompt' AND "resourceId" = $2`;

/**
 * The statement that reads the events a served prompt is checked against, each with its signed
 * head: the prompt's newest event (a deletion shows there, as nothing follows one), its newest
 * version event, and for an older version asked for, that version's event. Each is found by its
 * place on the (tenant, resource type, resource, seq) index, never by what its JSON says: a
 * version event holds the whole version, and filtering on `after` read every version's event out
 * of TOAST on each load (1,000 versions of 100 KB: 15,000 buffers, 20-30 ms, linear in versions;
 * measured). The k-th version event of a prompt adds version k (each action adds the newest + 1,
 * under the tenant's lock), so version V's is the (V - 1)-th from the first or the (newest - V)-th
 * from the newest, whichever is nearer; only the chosen events are joined with their heads. An
 * event found at a place that does not hold the version asked for (events were deleted) vouches
 * for nothing: servingProblem then finds that version without an event, and refuses it.
 */
export function promptTrailStatement(tenantId: string, promptId: string, latestVersion: number, wanted: number): [string, ...unknown[]] {
  const versionEvents = `${PROMPT_EVENTS} AND "action" = ANY($3::text[])`;
  const picks = [`(SELECT "seq" FROM ${PROMPT_EVENTS} ORDER BY "seq" DESC LIMIT 1)`, `(SELECT "seq" FROM ${versionEvents} ORDER BY "seq" DESC LIMIT 1)`];
  const values: unknown[] = [tenantId, promptId, [...VERSION_ACTIONS]];
  if (wanted < latestVersion) {
    const fromFirst = wanted - 1 <= latestVersion - wanted;
    picks.push(`(SELECT "seq" FROM ${versionEvents} ORDER BY "seq" ${fromFirst ? "ASC" : "DESC"} OFFSET $4 LIMIT 1)`);
    values.push(fromFirst ? wanted - 1 : latestVersion - wanted);
  }
  // Each pick runs once, reading `seq` alone; only the events picked are read whole.
  const sql = `SELECT ${COLUMNS} FROM "AuditEvent" e
    LEFT JOIN "AuditHead" h ON h."tenantId" = e."tenantId" AND h."seq" = e."seq"
    WHERE e."tenantId" = $1 AND e."resourceType" = 'prompt' AND e."resourceId" = $2 AND e."seq" = ANY(ARRAY[${picks.join(", ")}])`;
  return [sql, ...values];
}

/** The events promptTrailStatement picks, each with its signed head. */
export function readPromptTrail(tenantId: string, promptId: string, latestVersion: number, wanted: number): Promise<TrailEvent[]> {
  const [sql, ...values] = promptTrailStatement(tenantId, promptId, latestVersion, wanted);
  return db().$queryRawUnsafe<TrailEvent[]>(sql, ...values);
}

/**
 * Why a prompt's stored versions must not be served, or null when they are what Keel's audit trail
 * says Keel wrote. Someone holding the database password can rewrite a version, insert one or move
 * the newest-version pointer; they cannot sign the audit event that would vouch for it, as Keel's
 * signing key is not in the database. Each event is checked against its own hash and its signed
 * head (`publicKeys` null: a gateway given no signing key checks hashes only). Deleting events is
 * beyond what one prompt's events show; verifying the tenant's trails finds it.
 */
export function servingProblem(
  prompt: { name: string; latestVersion: number },
  wanted: number,
  rows: StoredVersion[],
  events: TrailEvent[],
  publicKeys: AuditPublicKeys | null,
): string | null {
  const claims = new Map<number, VersionClaim & { seq: number; name: string | null }>();
  let newest: { seq: number; version: number } | null = null;
  for (const e of events) {
    if (!authentic(e, publicKeys)) return `audit event #${e.seq} about it is not one Keel wrote and signed: the trail was tampered with`;
    if (e.action === DELETED_ACTION) return `the audit trail records it as deleted (event #${e.seq})`;
    const parsed = claimOf(e.after);
    if (!parsed) return `audit event #${e.seq} does not describe a version`;
    claims.set(parsed.claim.version, { ...parsed.claim, seq: e.seq, name: parsed.name });
    if (!newest || e.seq > newest.seq) newest = { seq: e.seq, version: parsed.claim.version };
  }
  if (newest?.version !== prompt.latestVersion) {
    return `its newest version is ${prompt.latestVersion} in the database but ${newest ? `${newest.version} in the audit trail (event #${newest.seq})` : "it has no version event in the audit trail"}`;
  }
  for (const row of rows) {
    const claim = claims.get(row.version);
    if (!claim) return `version ${row.version} has no event in the audit trail`;
    if (claim.name !== null && claim.name !== prompt.name) return `version ${row.version} belongs to the prompt named "${claim.name}" per audit event #${claim.seq}`;
    const differs = differencesFrom(claim, { ...row, sha256: contentHash(row.content) });
    if (differs.length) return `version ${row.version} differs from audit event #${claim.seq} in its ${differs.join(", ")}`;
  }
  for (const version of new Set([prompt.latestVersion, wanted])) {
    if (claims.has(version) && !rows.some((r) => r.version === version)) return `version ${version} is missing, though audit event #${claims.get(version)!.seq} added it`;
  }
  return null;
}

function authentic(e: TrailEvent, publicKeys: AuditPublicKeys | null): boolean {
  if (chainHash(e.prevHash, e) !== e.hash) return false;
  if (!publicKeys) return true;
  if (e.headHash !== e.hash || e.keyId === null || e.signature === null || e.signedAt === null) return false;
  return verifyHead(publicKeys, { tenantId: e.tenantId, seq: e.seq, hash: e.headHash, signedAt: e.signedAt, keyId: e.keyId, signature: e.signature });
}
