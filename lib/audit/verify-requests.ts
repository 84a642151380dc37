import crypto from "node:crypto";
import { keysFromEnv } from "@/lib/secrets/key-spec";
import type { PrismaClient } from "@/lib/db/client";
import { legacyRecordsUntil } from "./legacy";
import { cursorOf, isoMicros, type RecordCursor, type StoredRecord } from "./record-rows";
import { RECORD_FIELDS, canonicalRecord, checkRecordMac, deriveMacKeys, merkleRoot, recordLeaf, type MacKey } from "./request-record-hash";
import { SEAL_ACTION, recordIdsDigest } from "./seal-requests";
import { ahead, pagesOf, verifyReads, type VerifyRead } from "./verify";
import { progressMeter, type OnVerifyProgress } from "./verify-progress";

export type RecordProblem = { kind: "edited" | "deleted" | "inserted" | "unauthenticated" | "seal"; recordId: string | null; sealSeq: number | null; reason: string };

export type RequestVerdict = {
  ok: boolean;
  /** Records checked inside seals, and the seals. */
  sealed: number;
  seals: number;
  /** Records after the last seal, checked by their MAC alone. */
  unsealed: number;
  /** Records without a MAC that the hardening migration found (accepted as their seal vouches). */
  legacy: number;
  /** The first problems found, in order; `problem` is the first. */
  problems: RecordProblem[];
  problem: RecordProblem | null;
  /** More problems were found than `problems` lists. */
  more: boolean;
};

export type VerifyRequestsOptions = {
  /** MAC keys (default: derived from KEEL_AUDIT_SIGNING_KEY). */
  macKeys?: MacKey[];
  /** Trust seal events only up to this audit seq (the chain's verified length); default all. */
  maxAuditSeq?: number;
  maxProblems?: number;
  /** Told how many records were checked of about how many (phase "requests"), at most every 100 ms. */
  onProgress?: OnVerifyProgress;
};

type CheckMac = (r: StoredRecord, canonical: string, sealSeq: number | null, legacy: boolean) => boolean;
/** A seal event's `after`. `legacy`: how many of its first records the sealer took as legacy (absent in the first seals Keel wrote). */
type SealClaim = { seal: number; count: number; root: string; ids: string; first: RecordCursor; last: RecordCursor; legacy?: number };
/** A RequestSeal row, its record ids as the JSON text the database wrote (`idsJson`) and parsed. */
type SealRow = {
  seq: number; auditSeq: number; count: number; root: string; idsJson: string; recordIds: string[];
  firstInsertedAt: string; firstId: string; lastInsertedAt: string; lastId: string;
};

/**
 * Records per statement. Each page is hashed in one go in Keel's thread, so its size bounds how
 * long other work waits on a verification: with 5,000 a query beside it waited up to 104 ms on the
 * embedded database, with 1,000 up to 54 ms, at the same rate (measured).
 */
const PAGE = 1000;

/**
 * Verifies a tenant's request records against their seals, streaming in pages. For each seal
 * event in the audit chain (whose chain and signed head verifyAuditChain checks), in order: the
 * RequestSeal row must match the event's root and bounds, the records in the seal's range must be
 * exactly those it lists (a missing one was deleted, an unlisted one inserted), each record's MAC
 * must match (else it was edited) and their Merkle root must be the chained one. Records after the
 * last seal are checked by MAC alone. Records without a MAC pass only as rows the hardening
 * migration found, at the start of a tenant that predates it (see legacyUntilSql): inside a seal
 * only as many as the seal's signed event says, after the last seal only while every seal so far
 * held nothing else. Also named: a record id stored twice, a record dated in the future (no seal
 * would ever cover it), and a seal row the chain does not hold (the sealer would continue from it).
 */
export async function verifyRequestRecords(prisma: PrismaClient, tenantId: string, opts: VerifyRequestsOptions = {}): Promise<RequestVerdict> {
  const macKeys = opts.macKeys ?? macKeysFromEnv();
  const maxProblems = opts.maxProblems ?? 20;
  const read = verifyReads(prisma);
  const legacyUntil = await legacyRecordsUntil(prisma, tenantId);
  const v: RequestVerdict = { ok: true, sealed: 0, seals: 0, unsealed: 0, legacy: 0, problems: [], problem: null, more: false };
  // Copies of a record are looked for alongside the walk; they are named first, as before it.
  const copies = problemList(maxProblems);
  const found = problemList(maxProblems);
  /** Checks one record's MAC (`legacy`: it may be a MAC-less row the migration found); true when it reported a problem. */
  const checkMac: CheckMac = (r, canonical, sealSeq, legacy) => {
    const check = checkRecordMac(macKeys, canonical, r.mac);
    if (check === "ok") return false;
    if (check === "missing" && legacy && legacyUntil !== null && r.insertedAt <= legacyUntil) {
      v.legacy += 1;
      return false;
    }
    const where = sealSeq ? `in seal #${sealSeq}` : "not yet sealed";
    if (check === "mismatch") found.report({ kind: "edited", recordId: r.id, sealSeq, reason: `record ${r.id} (${where}) was edited or forged: its MAC does not match its content` });
    else found.report({ kind: "unauthenticated", recordId: r.id, sealSeq, reason: `record ${r.id} (${where}) has ${check === "missing" ? "no MAC" : "a MAC under a key Keel does not hold"}: Keel did not write it` });
    return true;
  };

  const [{ total }] = await read<{ total: number }>("keel_verify_records_total", TOTAL_SQL, [tenantId]);
  const meter = progressMeter(opts.onProgress, "requests", total);
  const copying = findCopies(read, tenantId, copies.report);
  copying.catch(() => {});
  try {
    await walkRecords(read, tenantId, opts.maxAuditSeq, { v, report: found.report, checkMac, counted: meter.add });
  } finally {
    meter.finish();
  }
  await copying;

  // insertedAt is the database's clock when the row's transaction began, never later than now.
  const future = await read<{ id: string; insertedAt: string }>("keel_verify_records_future",
    `SELECT "id", ${isoMicros(`"insertedAt"`)} AS "insertedAt" FROM "RequestRecord" WHERE "tenantId" = $1 AND "insertedAt" > statement_timestamp()
     ORDER BY "insertedAt", "id" LIMIT $2`,
    [tenantId, maxProblems],
  );
  for (const r of future) {
    found.report({ kind: "edited", recordId: r.id, sealSeq: null, reason: `record ${r.id} was moved to ${r.insertedAt}, in the future, where no seal would ever cover it` });
  }
  const all = [...copies.list, ...found.list];
  v.ok = all.length === 0;
  v.problem = all[0] ?? null;
  v.problems = all.slice(0, maxProblems);
  v.more = all.length > maxProblems || copies.more() || found.more();
  return v;
}

/** Problems in the order found, the first `max` + 1 of them kept (one past the limit says there are more). */
function problemList(max: number) {
  const list: RecordProblem[] = [];
  let dropped = false;
  return {
    list,
    report: (p: RecordProblem) => {
      if (list.length <= max) list.push(p);
      else dropped = true;
    },
    more: () => dropped,
  };
}

type Walk = { v: RequestVerdict; report: (p: RecordProblem) => void; checkMac: CheckMac; counted: (n: number) => void };
type SealEvent = { seq: number; after: unknown };
/** A seal's RequestSeal row and the first page of the records in its range, being read ahead. */
type SealReads = { row: Promise<SealRow | undefined>; first: Promise<StoredRecord[]> };

/**
 * The seals in chain order, then the records after the last one. While one seal's records are
 * hashed, the next page (or the next seal's row and first page) is already being read: on a
 * database server that overlaps the database's work with Keel's.
 */
async function walkRecords(read: VerifyRead, tenantId: string, maxAuditSeq: number | undefined, walk: Walk) {
  const { v, report, checkMac } = walk;
  const events = sealEvents(read, tenantId, maxAuditSeq);
  const claimOf = (event: SealEvent, seal: number): SealClaim | null => {
    const claim = event.after as SealClaim | null;
    return claim && claim.seal === seal && claim.last?.insertedAt ? claim : null;
  };
  const readSeal = (claim: SealClaim, prev: RecordCursor | null): SealReads => ({
    row: ahead(read<SealRow>("keel_verify_seal_row", SEAL_ROW_SQL, [tenantId, claim.seal]).then(([row]) => row && { ...row, recordIds: JSON.parse(row.idsJson) })),
    first: ahead(readRange(read, tenantId, prev, claim.last, PAGE)),
  });

  let prev: RecordCursor | null = null;
  let legacyOpen = true;
  let eventCursor = 0;
  let next = await events.next();
  let following: SealReads | null = null;
  while (!next.done) {
    const event = next.value;
    eventCursor = event.seq;
    v.seals += 1;
    const claim = claimOf(event, v.seals);
    if (!claim) {
      report({ kind: "seal", recordId: null, sealSeq: v.seals, reason: `audit event #${event.seq} does not carry seal #${v.seals}: seals are missing or out of order` });
      await events.return(undefined);
      return;
    }
    const current = following ?? readSeal(claim, prev);
    next = await events.next();
    const nextClaim = next.done ? null : claimOf(next.value, v.seals + 1);
    following = nextClaim ? readSeal(nextClaim, claim.last) : null;
    await verifySeal(read, tenantId, claim, event.seq, prev, current, walk);
    prev = claim.last;
    legacyOpen &&= claim.legacy === claim.count;
  }
  await findUnchainedSeal(read, tenantId, v.seals, eventCursor, report);

  const tail = pagesOf<StoredRecord>((last) => readRange(read, tenantId, last ? cursorOf(last) : prev, null, PAGE), PAGE);
  for await (const rows of tail) {
    for (const r of rows) {
      checkMac(r, canonicalRecord(r), null, legacyOpen);
      // As the sealer will: legacy records come first, so none after a record with a MAC.
      legacyOpen &&= r.mac === null;
      v.unsealed += 1;
    }
    walk.counted(rows.length);
  }
}

/** The tenant's seal events in chain order, up to `maxAuditSeq`. */
async function* sealEvents(read: VerifyRead, tenantId: string, maxAuditSeq: number | undefined): AsyncGenerator<SealEvent> {
  const bound = maxAuditSeq ?? 2_147_483_647;
  const pages = pagesOf<SealEvent>(
    (last) => read("keel_verify_seal_events", SEAL_EVENTS_SQL, [tenantId, SEAL_ACTION, last?.seq ?? 0, bound, SEAL_EVENTS_PAGE]),
    SEAL_EVENTS_PAGE,
  );
  for await (const page of pages) yield* page;
}

/**
 * Records stored more than once under one id (a copy inserted once the primary key was dropped):
 * the walk cannot tell a copy from its original. Paged by id, each page one short statement that
 * returns only its copies and where it ended; the next page starts at that id again, so copies
 * on both sides of a page's end are counted together.
 */
async function findCopies(read: VerifyRead, tenantId: string, report: (p: RecordProblem) => void) {
  const named = new Set<string>();
  for (let from = "", inclusive = true; ; ) {
    const rows: { id: string; n: number; size: number }[] = await read(
      inclusive ? "keel_verify_copies_from" : "keel_verify_copies_after", copiesSql(inclusive), [tenantId, from, COPY_SEARCH_PAGE],
    );
    for (const r of rows) {
      if (r.n > 1 && !named.has(r.id)) {
        named.add(r.id);
        report({ kind: "inserted", recordId: r.id, sealSeq: null, reason: `record ${r.id} is stored ${r.n} times: copies were inserted` });
      }
    }
    const size = rows[0]?.size ?? 0;
    const last: string | undefined = rows[rows.length - 1]?.id;
    if (size < COPY_SEARCH_PAGE || last === undefined) return;
    // A page wholly of one id's copies would start over at it for ever: go past it.
    inclusive = last !== from;
    from = last;
  }
}

/** Ids per statement of the search for copies (exported for its test). */
export const COPY_SEARCH_PAGE = 5000;
const copiesSql = (inclusive: boolean) => `
  WITH page AS (SELECT "id" FROM "RequestRecord" WHERE "tenantId" = $1 AND "id" ${inclusive ? ">=" : ">"} $2 ORDER BY "id" LIMIT $3)
  SELECT "id", count(*)::int AS "n", (SELECT count(*)::int FROM page) AS "size" FROM page GROUP BY "id"
  HAVING count(*) > 1 OR "id" = (SELECT max("id") FROM page) ORDER BY "id"`;

/**
 * A RequestSeal row past the chain's seals must belong to a seal event written since the chain was
 * read; any other was inserted, and the sealer, which continues from the newest row, would leave
 * every later record unsealed.
 */
async function findUnchainedSeal(read: VerifyRead, tenantId: string, seals: number, eventCursor: number, report: (p: RecordProblem) => void) {
  const [extra] = await read<{ seq: number; auditSeq: number; chained: boolean }>("keel_verify_unchained_seal",
    `SELECT s."seq", s."auditSeq", e."id" IS NOT NULL AS "chained" FROM "RequestSeal" s
     LEFT JOIN "AuditEvent" e ON e."tenantId" = s."tenantId" AND e."seq" = s."auditSeq" AND e."action" = $3 AND e."resourceId" = s."id"
     WHERE s."tenantId" = $1 AND s."seq" > $2 ORDER BY s."seq" LIMIT 1`,
    [tenantId, seals, SEAL_ACTION],
  );
  if (extra && (!extra.chained || extra.auditSeq <= eventCursor)) {
    report({ kind: "seal", recordId: null, sealSeq: extra.seq, reason: `the RequestSeal row of seal #${extra.seq} is not in the audit chain: it was inserted, and would stop records after it from being sealed` });
  }
}

const macKeysFromEnv: () => MacKey[] = keysFromEnv("KEEL_AUDIT_SIGNING_KEY", deriveMacKeys);

/**
 * Checks one seal: its row against its chained event, and the records in its range. They come in
 * the order the seal lists them (the sealer read them in this order), so while they do, each is
 * matched to the list by position; from the first that does not, by id.
 */
async function verifySeal(read: VerifyRead, tenantId: string, claim: SealClaim, auditSeq: number, prev: RecordCursor | null, reads: SealReads, walk: Walk) {
  const { v, report, checkMac } = walk;
  const sealSeq = claim.seal;
  const row = await reads.row;
  const seal = `seal #${sealSeq} (audit event #${auditSeq})`;
  const rowMatches = !!row &&
    row.root === claim.root && row.count === claim.count && row.auditSeq === auditSeq && idsMatch(row, claim.ids) &&
    row.firstInsertedAt === claim.first.insertedAt && row.firstId === claim.first.id && row.lastInsertedAt === claim.last.insertedAt && row.lastId === claim.last.id;
  if (!row) report({ kind: "seal", recordId: null, sealSeq, reason: `the RequestSeal row of ${seal} is missing: it was deleted` });
  else if (!rowMatches) report({ kind: "seal", recordId: null, sealSeq, reason: `the RequestSeal row of ${seal} no longer matches its audit event: it was altered` });
  const ids = row?.recordIds ?? [];
  /** Leaves of the records that came in list order, before any that did not. */
  const inOrder: Buffer[] = [];
  let byId: { listed: Set<string> | null; legacyIds: Set<string> | null; leaves: Map<string, Buffer> } | null = null;
  // Records named one by one (inserted, deleted, bad MAC) explain a root mismatch already.
  let named = 0;
  const pages = pagesOf<StoredRecord>((last) => readRange(read, tenantId, last ? cursorOf(last) : prev, claim.last, PAGE), PAGE, reads.first);
  for await (const rows of pages) {
    for (const r of rows) {
      const at = inOrder.length;
      if (!byId && rowMatches && r.id === ids[at]) {
        const canonical = canonicalRecord(r);
        inOrder.push(recordLeaf(canonical));
        if (checkMac(r, canonical, sealSeq, claim.legacy === undefined || at < claim.legacy)) named += 1;
        v.sealed += 1;
        continue;
      }
      if (!byId) {
        const leaves = new Map<string, Buffer>();
        for (let i = 0; i < inOrder.length; i++) leaves.set(ids[i], inOrder[i]);
        // Seals from before the count was signed vouched for MAC-less records by date alone.
        const legacyIds = claim.legacy === undefined ? null : new Set(ids.slice(0, claim.legacy));
        byId = { listed: row ? new Set(ids) : null, legacyIds, leaves };
      }
      if (byId.listed && !byId.listed.has(r.id)) {
        report({ kind: "inserted", recordId: r.id, sealSeq, reason: `record ${r.id} lies in ${seal}'s range but the seal does not list it: it was inserted` });
        named += 1;
        continue;
      }
      const canonical = canonicalRecord(r);
      byId.leaves.set(r.id, recordLeaf(canonical));
      if (checkMac(r, canonical, sealSeq, byId.legacyIds?.has(r.id) ?? true)) named += 1;
      v.sealed += 1;
    }
    walk.counted(rows.length);
  }
  const leaves = byId?.leaves;
  const order = row ? ids : [...(leaves?.keys() ?? [])];
  for (let i = leaves ? 0 : inOrder.length; i < order.length; i++) {
    if (!leaves?.has(order[i])) {
      report({ kind: "deleted", recordId: order[i], sealSeq, reason: `record ${order[i]} is listed in ${seal} but missing from the table: it was deleted` });
      named += 1;
    }
  }
  const count = leaves?.size ?? inOrder.length;
  if (named === 0 && count > 0 && merkleRoot(leaves ? order.map((id) => leaves.get(id)!) : inOrder) !== claim.root) {
    report({ kind: "seal", recordId: null, sealSeq, reason: `the records of ${seal} no longer hash to its chained Merkle root: one was changed (a record without a MAC, or moved in time)` });
  }
}

/**
 * Whether the seal's id list is the one its event signed (the digest of the ids' JSON). The
 * database's JSON text of the list is normally that very JSON, and hashing it spares parsing
 * 5,000 ids out of an array literal and writing them out again; if it is not, the ids decide.
 */
function idsMatch(row: SealRow, digest: string): boolean {
  return crypto.hash("sha256", row.idsJson) === digest || recordIdsDigest(row.recordIds) === digest;
}

/**
 * A record's canonical columns in RECORD_FIELDS order, in their stored form (see
 * request-record-hash.ts), and its insertedAt (with microseconds, for cursors) and MAC.
 */
const RECORD_COLUMNS = [
  ...RECORD_FIELDS.map((f) =>
    f === "costUsd" ? `r."costUsd"::text AS "costUsd"`
    : f === "createdAt" ? `to_char(r."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`
    : `r."${f}"`,
  ),
  `${isoMicros(`r."insertedAt"`)} AS "insertedAt"`,
  `r."mac"`,
].join(", ");

/**
 * Records after `after` (exclusive) up to `upTo` (inclusive; null: to the end) in seal order. The
 * order names the table's column: "insertedAt" alone would be the ISO text selected under that
 * name, which no index holds, and every page would sort all the tenant's later records (a
 * million records: 118 s that way through Prisma, 15 s so; measured on PostgreSQL 15).
 */
const RANGE_SQL = (bounded: boolean) => `
  SELECT ${RECORD_COLUMNS} FROM "RequestRecord" r
  WHERE r."tenantId" = $1 AND (r."insertedAt", r."id") > ($2::timestamptz, $3)
    ${bounded ? `AND (r."insertedAt", r."id") <= ($5::timestamptz, $6)` : ""}
  ORDER BY r."insertedAt", r."id" LIMIT $4`;
const RANGE_TO_SQL = RANGE_SQL(true);
const RANGE_ON_SQL = RANGE_SQL(false);

function readRange(read: VerifyRead, tenantId: string, after: RecordCursor | null, upTo: RecordCursor | null, limit: number): Promise<StoredRecord[]> {
  const from = [tenantId, after?.insertedAt ?? "-infinity", after?.id ?? "", limit];
  return upTo
    ? read("keel_verify_records_to", RANGE_TO_SQL, [...from, upTo.insertedAt, upTo.id])
    : read("keel_verify_records_on", RANGE_ON_SQL, from);
}

const SEAL_ROW_SQL = `
  SELECT "seq", "auditSeq", "count", "root", array_to_json("recordIds")::text AS "idsJson", ${isoMicros(`"firstInsertedAt"`)} AS "firstInsertedAt", "firstId",
         ${isoMicros(`"lastInsertedAt"`)} AS "lastInsertedAt", "lastId"
  FROM "RequestSeal" WHERE "tenantId" = $1 AND "seq" = $2`;

const SEAL_EVENTS_PAGE = 500;
const SEAL_EVENTS_SQL = `
  SELECT "seq", "after" FROM "AuditEvent" WHERE "tenantId" = $1 AND "action" = $2 AND "seq" > $3 AND "seq" <= $4 ORDER BY "seq" LIMIT $5`;

/** What there is to check, read up front for progress: the records the seals count, and those after the last seal. */
const TOTAL_SQL = `
  SELECT (coalesce((SELECT sum("count") FROM "RequestSeal" WHERE "tenantId" = $1), 0)
          + (SELECT count(*) FROM "RequestRecord" r WHERE r."tenantId" = $1 AND (r."insertedAt", r."id") > (
               coalesce((SELECT "lastInsertedAt" FROM "RequestSeal" WHERE "tenantId" = $1 ORDER BY "seq" DESC LIMIT 1), '-infinity'::timestamptz),
               coalesce((SELECT "lastId" FROM "RequestSeal" WHERE "tenantId" = $1 ORDER BY "seq" DESC LIMIT 1), ''))))::int AS "total"`;
