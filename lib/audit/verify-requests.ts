import { keysFromEnv } from "@/lib/secrets/key-spec";
import type { PrismaClient } from "@/lib/db/client";
import { legacyRecordsUntil } from "./legacy";
import { cursorOf, isoMicros, readRecords, type RecordCursor, type StoredRecord } from "./record-rows";
import { canonicalRecord, checkRecordMac, deriveMacKeys, merkleRoot, recordLeaf, type MacKey } from "./request-record-hash";
import { SEAL_ACTION, recordIdsDigest } from "./seal-requests";

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
};

type CheckMac = (r: StoredRecord, canonical: string, sealSeq: number | null, legacy: boolean) => boolean;
/** A seal event's `after`. `legacy`: how many of its first records the sealer took as legacy (absent in the first seals Keel wrote). */
type SealClaim = { seal: number; count: number; root: string; ids: string; first: RecordCursor; last: RecordCursor; legacy?: number };
type SealRow = { seq: number; auditSeq: number; count: number; root: string; recordIds: string[]; firstInsertedAt: string; firstId: string; lastInsertedAt: string; lastId: string };

const PAGE = 5000;

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
  const legacyUntil = await legacyRecordsUntil(prisma, tenantId);
  const v: RequestVerdict = { ok: true, sealed: 0, seals: 0, unsealed: 0, legacy: 0, problems: [], problem: null, more: false };
  const report = (p: RecordProblem) => {
    v.ok = false;
    v.problem ??= p;
    if (v.problems.length < maxProblems) v.problems.push(p);
    else v.more = true;
  };
  /** Checks one record's MAC (`legacy`: it may be a MAC-less row the migration found); true when it reported a problem. */
  const checkMac: CheckMac = (r, canonical, sealSeq, legacy) => {
    const check = checkRecordMac(macKeys, canonical, r.mac);
    if (check === "ok") return false;
    if (check === "missing" && legacy && legacyUntil !== null && r.insertedAt <= legacyUntil) {
      v.legacy += 1;
      return false;
    }
    const where = sealSeq ? `in seal #${sealSeq}` : "not yet sealed";
    if (check === "mismatch") report({ kind: "edited", recordId: r.id, sealSeq, reason: `record ${r.id} (${where}) was edited or forged: its MAC does not match its content` });
    else report({ kind: "unauthenticated", recordId: r.id, sealSeq, reason: `record ${r.id} (${where}) has ${check === "missing" ? "no MAC" : "a MAC under a key Keel does not hold"}: Keel did not write it` });
    return true;
  };

  const duplicated = await prisma.$queryRawUnsafe<{ id: string; n: number }[]>(
    `SELECT "id", count(*)::int AS "n" FROM "RequestRecord" WHERE "tenantId" = $1 GROUP BY "id" HAVING count(*) > 1 ORDER BY "id" LIMIT $2`,
    tenantId, maxProblems,
  );
  for (const d of duplicated) report({ kind: "inserted", recordId: d.id, sealSeq: null, reason: `record ${d.id} is stored ${d.n} times: copies were inserted` });

  let prev: RecordCursor | null = null;
  let legacyOpen = true;
  let eventCursor = 0;
  for (;;) {
    const events = await prisma.auditEvent.findMany({
      where: { tenantId, action: SEAL_ACTION, seq: { gt: eventCursor, ...(opts.maxAuditSeq !== undefined ? { lte: opts.maxAuditSeq } : {}) } },
      orderBy: { seq: "asc" },
      take: 500,
      select: { seq: true, after: true },
    });
    for (const event of events) {
      eventCursor = event.seq;
      v.seals += 1;
      const claim = event.after as SealClaim | null;
      if (!claim || claim.seal !== v.seals || !claim.last?.insertedAt) {
        report({ kind: "seal", recordId: null, sealSeq: v.seals, reason: `audit event #${event.seq} does not carry seal #${v.seals}: seals are missing or out of order` });
        return v;
      }
      await verifySeal(prisma, tenantId, claim, event.seq, prev, v, report, checkMac);
      prev = claim.last;
      legacyOpen &&= claim.legacy === claim.count;
    }
    if (events.length < 500) break;
  }
  await findUnchainedSeal(prisma, tenantId, v.seals, eventCursor, report);

  for (let after = prev; ; ) {
    const rows = await readRecords(prisma, tenantId, { after, limit: PAGE });
    for (const r of rows) {
      checkMac(r, canonicalRecord(r), null, legacyOpen);
      // As the sealer will: legacy records come first, so none after a record with a MAC.
      legacyOpen &&= r.mac === null;
      v.unsealed += 1;
    }
    if (rows.length < PAGE) break;
    after = cursorOf(rows[rows.length - 1]);
  }

  // insertedAt is the database's clock when the row's transaction began, never later than now.
  const future = await prisma.$queryRawUnsafe<{ id: string; insertedAt: string }[]>(
    `SELECT "id", ${isoMicros(`"insertedAt"`)} AS "insertedAt" FROM "RequestRecord" WHERE "tenantId" = $1 AND "insertedAt" > statement_timestamp()
     ORDER BY "insertedAt", "id" LIMIT $2`,
    tenantId, maxProblems,
  );
  for (const r of future) {
    report({ kind: "edited", recordId: r.id, sealSeq: null, reason: `record ${r.id} was moved to ${r.insertedAt}, in the future, where no seal would ever cover it` });
  }
  return v;
}

/**
 * A RequestSeal row past the chain's seals must belong to a seal event written since the chain was
 * read; any other was inserted, and the sealer, which continues from the newest row, would leave
 * every later record unsealed.
 */
async function findUnchainedSeal(prisma: PrismaClient, tenantId: string, seals: number, eventCursor: number, report: (p: RecordProblem) => void) {
  const [extra] = await prisma.$queryRawUnsafe<{ seq: number; auditSeq: number; chained: boolean }[]>(
    `SELECT s."seq", s."auditSeq", e."id" IS NOT NULL AS "chained" FROM "RequestSeal" s
     LEFT JOIN "AuditEvent" e ON e."tenantId" = s."tenantId" AND e."seq" = s."auditSeq" AND e."action" = $3 AND e."resourceId" = s."id"
     WHERE s."tenantId" = $1 AND s."seq" > $2 ORDER BY s."seq" LIMIT 1`,
    tenantId, seals, SEAL_ACTION,
  );
  if (extra && (!extra.chained || extra.auditSeq <= eventCursor)) {
    report({ kind: "seal", recordId: null, sealSeq: extra.seq, reason: `the RequestSeal row of seal #${extra.seq} is not in the audit chain: it was inserted, and would stop records after it from being sealed` });
  }
}

const macKeysFromEnv: () => MacKey[] = keysFromEnv("KEEL_AUDIT_SIGNING_KEY", deriveMacKeys);

async function verifySeal(
  prisma: PrismaClient,
  tenantId: string,
  claim: SealClaim,
  auditSeq: number,
  prev: RecordCursor | null,
  v: RequestVerdict,
  report: (p: RecordProblem) => void,
  checkMac: CheckMac,
) {
  const sealSeq = claim.seal;
  const [row] = await prisma.$queryRawUnsafe<SealRow[]>(
    `SELECT "seq", "auditSeq", "count", "root", "recordIds", ${isoMicros(`"firstInsertedAt"`)} AS "firstInsertedAt", "firstId",
            ${isoMicros(`"lastInsertedAt"`)} AS "lastInsertedAt", "lastId"
     FROM "RequestSeal" WHERE "tenantId" = $1 AND "seq" = $2`,
    tenantId, sealSeq,
  );
  const seal = `seal #${sealSeq} (audit event #${auditSeq})`;
  if (!row) report({ kind: "seal", recordId: null, sealSeq, reason: `the RequestSeal row of ${seal} is missing: it was deleted` });
  else if (
    row.root !== claim.root || row.count !== claim.count || row.auditSeq !== auditSeq || recordIdsDigest(row.recordIds) !== claim.ids ||
    row.firstInsertedAt !== claim.first.insertedAt || row.firstId !== claim.first.id || row.lastInsertedAt !== claim.last.insertedAt || row.lastId !== claim.last.id
  ) {
    report({ kind: "seal", recordId: null, sealSeq, reason: `the RequestSeal row of ${seal} no longer matches its audit event: it was altered` });
  }
  const listed = row ? new Set(row.recordIds) : null;
  // Seals from before the count was signed vouched for MAC-less records by date alone.
  const legacyIds = claim.legacy === undefined ? null : new Set(row?.recordIds.slice(0, claim.legacy) ?? []);
  const leaves = new Map<string, Buffer>();
  // Records named one by one (inserted, deleted, bad MAC) explain a root mismatch already.
  let named = 0;
  for (let after = prev; ; ) {
    const rows = await readRecords(prisma, tenantId, { after, upTo: claim.last, limit: PAGE });
    for (const r of rows) {
      if (listed && !listed.has(r.id)) {
        report({ kind: "inserted", recordId: r.id, sealSeq, reason: `record ${r.id} lies in ${seal}'s range but the seal does not list it: it was inserted` });
        named += 1;
        continue;
      }
      const canonical = canonicalRecord(r);
      leaves.set(r.id, recordLeaf(canonical));
      if (checkMac(r, canonical, sealSeq, legacyIds?.has(r.id) ?? true)) named += 1;
      v.sealed += 1;
    }
    if (rows.length < PAGE) break;
    after = cursorOf(rows[rows.length - 1]);
  }
  const order = row?.recordIds ?? [...leaves.keys()];
  for (const id of order) {
    if (!leaves.has(id)) {
      report({ kind: "deleted", recordId: id, sealSeq, reason: `record ${id} is listed in ${seal} but missing from the table: it was deleted` });
      named += 1;
    }
  }
  if (named === 0 && leaves.size > 0 && merkleRoot(order.map((id) => leaves.get(id)!)) !== claim.root) {
    report({ kind: "seal", recordId: null, sealSeq, reason: `the records of ${seal} no longer hash to its chained Merkle root: one was changed (a record without a MAC, or moved in time)` });
  }
}
