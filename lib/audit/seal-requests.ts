import crypto from "node:crypto";
import pg from "pg";
import type { PrismaClient } from "@/lib/db/client";
import { canReadActivity, commitWatermarkSql } from "@/lib/db/commit-watermark";
import { inTransaction } from "@/lib/db/transaction";
import { legacyUntilSql } from "./legacy";
import { isoMicros, rawQuery, readRecordsById, type RecordCursor } from "./record-rows";
import { NO_REQUEST, prepareAuditEvent, type AuditActor } from "./record";
import { canonicalRecord, merkleRoot, recordLeaf } from "./request-record-hash";

export type SealSummary = {
  tenantId: string;
  seq: number;
  auditSeq: number;
  count: number;
  root: string;
  first: RecordCursor;
  last: RecordCursor;
  recordIds: string[];
};
/** Leaves of records this process wrote, by id, with the MAC they were written with. */
export type LeafCache = Map<string, { mac: string | null; leaf: Buffer }>;
export type SealOptions = {
  /** Leaves the record writer computed; records not in it (or whose MAC changed) are read back. */
  leaves?: LeafCache;
  /** Records per seal, at most (5000): one seal is one short transaction. */
  batchSize?: number;
  /** Records younger than this stay for the next seal (1000 ms); see commitWatermarkSql(). */
  marginMs?: number;
  /** A statement running longer than this is not a record insert the seal waits for (5 min); see commitWatermarkSql(). */
  stallLimitMs?: number;
};

export const SEAL_ACTION = "requests.sealed";
const SEALER: AuditActor = { type: "SYSTEM", id: null, label: "request sealer" };
let activityReadable: boolean | undefined;

type SealState = {
  auditSeq: number; prevHash: string | null; sealSeq: number | null; lastInsertedAt: string | null; lastId: string | null; w: string;
  sealCount: number | null; sealLegacy: number | null; legacyUntil: string | null;
};

/**
 * Seals the tenant's next batch of records, oldest first: their Merkle root goes into the tenant's
 * audit chain (an event Keel signs, like every other) and a RequestSeal row lists the records it
 * covers. One transaction, holding the tenant's row, so sealers in several Keel instances take
 * turns and each continues where the last seal ended. Returns null when nothing was ready.
 * It runs on a plain pg connection with named statements, planned once per connection: on the
 * embedded database, which runs in Keel's own thread, planning and Prisma's row handling cost more
 * than the work (a seal of 2000 records: 50-85 ms through Prisma, 18-33 ms so; measured). For the
 * same reason the event, its head and the seal are written in one statement.
 */
export async function sealTenantRequests(pool: pg.Pool, tenantId: string, opts: SealOptions = {}): Promise<SealSummary | null> {
  const batchSize = opts.batchSize ?? 5000;
  const marginMs = opts.marginMs ?? 1000;
  const stallLimitMs = opts.stallLimitMs ?? 5 * 60_000;
  activityReadable ??= await canReadActivity(pool);
  return inTransaction(pool, (client) => sealIn(client, tenantId, batchSize, marginMs, stallLimitMs, opts.leaves));
}

async function sealIn(
  client: pg.PoolClient, tenantId: string, batchSize: number, marginMs: number, stallLimitMs: number, cache: LeafCache | undefined,
): Promise<SealSummary | null> {
  const query = async <T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    (await client.query<T>({ name, text, values })).rows;
  const locked = await query("keel_seal_lock", `SELECT 1 FROM "Tenant" WHERE "id" = $1 FOR UPDATE`, [tenantId]);
  if (locked.length === 0) return null;
  // After the lock, so under READ COMMITTED this sees the previous sealer's commit.
  const [state] = await query<SealState>(activityReadable ? "keel_seal_state" : "keel_seal_state_noactivity", STATE_SQL(),
    [tenantId, marginMs, ...(activityReadable ? [stallLimitMs] : [])]);
  if (state.auditSeq > 0 && !state.prevHash) throw new Error(`sealTenantRequests: event #${state.auditSeq} of tenant ${tenantId} is missing; the chain is broken`);
  // MAC-less records the migration found come first in seal order, so they may only open the
  // tenant's seals: once a seal held anything else, none is legacy, whatever the dates say.
  const legacyUntil = state.sealSeq === null || state.sealLegacy === state.sealCount ? state.legacyUntil : null;
  // A later statement, so a fresh snapshot: every record below the watermark has committed.
  const rows = await query<{ id: string; mac: string | null; legacy: boolean | null }>("keel_seal_rows",
    `SELECT "id", "mac", "mac" IS NULL AND "insertedAt" <= $6::timestamptz AS "legacy" FROM "RequestRecord"
     WHERE "tenantId" = $1 AND ("insertedAt", "id") > ($2::timestamptz, $3) AND "insertedAt" < $4::timestamptz
     ORDER BY "insertedAt", "id" LIMIT $5`,
    [tenantId, state.lastInsertedAt ?? "-infinity", state.lastId ?? "", state.w, batchSize, legacyUntil],
  );
  if (rows.length === 0) return null;
  let legacy = 0;
  while (legacy < rows.length && rows[legacy].legacy) legacy += 1;
  const root = merkleRoot(await leavesOf(client, tenantId, rows, cache));
  const recordIds = rows.map((r) => r.id);
  // Within the batch's range, and the earliest and latest of any copies: an id someone stored
  // twice must not send the next seal back over records already sealed.
  const ends = await query<RecordCursor>("keel_seal_ends",
    `SELECT "id", ${isoMicros(`"insertedAt"`)} AS "insertedAt" FROM "RequestRecord" WHERE "tenantId" = $1 AND "id" = ANY($2::text[])
     AND ("insertedAt", "id") > ($3::timestamptz, $4) AND "insertedAt" < $5::timestamptz ORDER BY "insertedAt"`,
    [tenantId, [recordIds[0], recordIds[recordIds.length - 1]], state.lastInsertedAt ?? "-infinity", state.lastId ?? "", state.w],
  );
  const first = ends.find((e) => e.id === recordIds[0])!;
  const last = ends.findLast((e) => e.id === recordIds[recordIds.length - 1])!;
  const seal = { id: crypto.randomUUID(), seq: (state.sealSeq ?? 0) + 1 };
  const auditSeq = state.auditSeq + 1;
  const event = prepareAuditEvent(tenantId, auditSeq, state.prevHash, SEALER, NO_REQUEST, {
    action: SEAL_ACTION,
    resourceType: "request_seal",
    resourceId: seal.id,
    // The ids' digest makes the seal row's list as tamper-evident as its root. The first `legacy`
    // records have no MAC: Keel vouches for them here, once, and verify takes its word.
    after: { seal: seal.seq, count: rows.length, root, ids: recordIdsDigest(recordIds), first, last, legacy },
  });
  const written = await query("keel_seal_write", WRITE_SEAL_SQL, [
    seal.id, tenantId, auditSeq, crypto.randomUUID(), SEALER.label, SEAL_ACTION, JSON.stringify(event.content.after),
    event.content.createdAt.toISOString(), event.prevHash, event.hash, crypto.randomUUID(), event.head.keyId, event.head.signature,
    event.head.signedAt.toISOString(), seal.seq, first.insertedAt, first.id, last.insertedAt, last.id, rows.length, root, recordIds,
  ]);
  if (written.length !== 1) throw new Error(`sealTenantRequests: tenant ${tenantId}'s chain moved while it was locked`);
  return { tenantId, seq: seal.seq, auditSeq, count: rows.length, root, first, last, recordIds };
}

/** The tenant's chain head, its last seal and the watermark ($2 margin, $3 stall limit). */
const STATE_SQL = () => `
  SELECT t."auditSeq", e."hash" AS "prevHash", s."seq" AS "sealSeq", ${isoMicros(`s."lastInsertedAt"`)} AS "lastInsertedAt", s."lastId",
         ${isoMicros(commitWatermarkSql(activityReadable!, "$2", "$3"))} AS "w", s."count" AS "sealCount", (se."after"->>'legacy')::int AS "sealLegacy", ${legacyUntilSql(`t."id"`)} AS "legacyUntil"
  FROM "Tenant" t
  LEFT JOIN "AuditEvent" e ON e."tenantId" = t."id" AND e."seq" = t."auditSeq"
  LEFT JOIN LATERAL (SELECT "seq", "lastInsertedAt", "lastId", "count", "auditSeq" FROM "RequestSeal" WHERE "tenantId" = t."id" ORDER BY "seq" DESC LIMIT 1) s ON true
  LEFT JOIN "AuditEvent" se ON se."tenantId" = t."id" AND se."seq" = s."auditSeq"
  WHERE t."id" = $1`;

/** SHA-256 of the JSON list of a seal's record ids, in order. */
export function recordIdsDigest(ids: string[]): string {
  return crypto.hash("sha256", JSON.stringify(ids));
}

/** The seal's audit event, its signed head and the RequestSeal row, in one statement (as recordAudit writes them). */
const WRITE_SEAL_SQL = `
  WITH bumped AS (
    UPDATE "Tenant" SET "auditSeq" = $3 WHERE "id" = $2 AND "auditSeq" = $3 - 1 RETURNING "id"
  ), event AS (
    INSERT INTO "AuditEvent" ("id", "tenantId", "seq", "actorType", "actorId", "actorLabel", "action", "resourceType", "resourceId",
                              "before", "after", "ip", "userAgent", "requestId", "createdAt", "prevHash", "hash")
    SELECT $4, "id", $3, 'SYSTEM', NULL, $5, $6, 'request_seal', $1, NULL, $7::jsonb, NULL, NULL, NULL, $8::timestamptz, $9, $10 FROM bumped
  ), head AS (
    INSERT INTO "AuditHead" ("id", "tenantId", "seq", "hash", "keyId", "signature", "signedAt")
    SELECT $11, "id", $3, $10, $12, $13, $14::timestamptz FROM bumped
  )
  INSERT INTO "RequestSeal" ("id", "tenantId", "seq", "auditSeq", "firstInsertedAt", "firstId", "lastInsertedAt", "lastId", "count", "root", "recordIds")
  SELECT $1, "id", $15, $3, $16::timestamptz, $17, $18::timestamptz, $19, $20, $21, $22::text[] FROM bumped
  RETURNING "id"`;

/**
 * The records' Merkle leaves, in order: from the writer's cache when the stored MAC is the one it
 * wrote (the MAC binds the content the leaf was computed from), else from the content read back.
 * Sealing what Keel wrote, not what the row holds now, means a record edited before its seal is
 * still found by verify.
 */
async function leavesOf(client: pg.PoolClient, tenantId: string, rows: { id: string; mac: string | null }[], cache: LeafCache | undefined): Promise<Buffer[]> {
  const leaves: Buffer[] = new Array(rows.length);
  const missing: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cached = cache?.get(rows[i].id);
    if (cached && cached.mac === rows[i].mac) leaves[i] = cached.leaf;
    else missing.push(rows[i].id);
  }
  if (missing.length > 0) {
    const read = new Map((await readRecordsById(rawQuery(client), tenantId, missing)).map((r) => [r.id, recordLeaf(canonicalRecord(r))]));
    for (let i = 0; i < rows.length; i++) leaves[i] ??= read.get(rows[i].id)!;
  }
  return leaves;
}

/**
 * Tenants with records after their last seal: one index probe each, the first record after the
 * seal in the index's order. As EXISTS, a plan made without statistics (the embedded database never
 * gathers them) scans every record (see PENDING_ROLLUPS_SQL).
 */
export const UNSEALED_SQL = `
  SELECT t."id" FROM "Tenant" t
  LEFT JOIN LATERAL (SELECT s."lastInsertedAt", s."lastId" FROM "RequestSeal" s WHERE s."tenantId" = t."id" ORDER BY s."seq" DESC LIMIT 1) l ON true
  CROSS JOIN LATERAL (
    SELECT 1 FROM "RequestRecord" r
    WHERE r."tenantId" = t."id" AND (r."insertedAt", r."id") > (coalesce(l."lastInsertedAt", '-infinity'::timestamptz), coalesce(l."lastId", ''))
    ORDER BY r."insertedAt", r."id" LIMIT 1) unsealed`;

export async function tenantsWithUnsealedRecords(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(UNSEALED_SQL);
  return rows.map((r) => r.id);
}
