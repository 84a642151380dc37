import { getDatabase, type Database, type PrismaClient } from "@/lib/db/client";
import { GENESIS_HASH, chainHash, type ChainedContent } from "./chain";
import { readHeadAnchor } from "./head-anchor";
import { hardeningAppliedAt } from "./legacy";
import { auditKeys, publicKeysOf, verifyHead, type AuditPublicKeys, type SignedHead } from "./signer";
import { progressMeter, type OnVerifyProgress } from "./verify-progress";

/** The newest head Keel signed, as verify found it. */
export type SignedHeadInfo = { seq: number; hash: string; signedAt: string; keyId: string; valid: boolean };
export type BrokenLink = { seq: number; eventId: string | null; reason: string };

export type ChainVerdict =
  | { ok: true; checked: number; headHash: string; signedHead: SignedHeadInfo | null }
  | { ok: false; checked: number; signedHead: SignedHeadInfo | null; broken: BrokenLink };

export type VerifyChainOptions = {
  /** Keel's public keys (default: those of KEEL_AUDIT_SIGNING_KEY); never keys from the database. */
  publicKeys?: AuditPublicKeys;
  /** Where the sealer anchors each tenant's newest signed head outside the database; null skips it. */
  anchorDir?: string | null;
  /** Told how many events were checked of how many (phase "audit"), at most every 100 ms. */
  onProgress?: OnVerifyProgress;
};

const BATCH = 1000;
/** Below any seq: the walk's first page starts here, so an event inserted with seq 0 or less is still read. */
const MIN_SEQ = -2147483648;

/** An event as the walk reads it; `head`: whether a signed head is stored at its seq, and whether it (any, should there be two) names another hash. */
type EventRow = ChainedContent & { id: string; prevHash: string; hash: string; head: "none" | "same" | "differs" };

/** A page of events after (seq, id), each with what the heads stored at its seq say of it. */
const EVENTS_SQL = `
  SELECT e."id", e."tenantId", e."seq", e."actorType"::text AS "actorType", e."actorId", e."actorLabel", e."action", e."resourceType",
         e."resourceId", e."before", e."after", e."ip", e."userAgent", e."requestId", e."createdAt", e."prevHash", e."hash",
         (SELECT CASE WHEN count(*) = 0 THEN 'none' WHEN bool_and(h."hash" = e."hash") THEN 'same' ELSE 'differs' END
          FROM "AuditHead" h WHERE h."tenantId" = e."tenantId" AND h."seq" = e."seq") AS "head"
  FROM "AuditEvent" e
  WHERE e."tenantId" = $1 AND e."seq" <= $2 AND e."seq" >= $3 AND (e."seq", e."id") > ($3, $4)
  ORDER BY e."seq", e."id" LIMIT $5`;

/**
 * Verifies a tenant's audit chain as it stood at one moment (so events appended meanwhile are not a
 * false alarm) and names the first broken link. That moment is one statement reading how far the
 * chain reached; the walk then reads in pages up to there, without a transaction: Keel only ever
 * appends, and event #n commits with `auditSeq` = n, so the rows up to that point read later are
 * the rows of that moment. A transaction would hold the embedded database's one connection, and
 * so every request's record and every console action, for the whole walk (seconds per 100,000
 * events, measured), at the bidding of any auditor.
 *
 * The walk finds what the chain itself shows: an edited event (its hash no longer matches its
 * content), a deleted one (a gap, or a link to a hash that is not its predecessor's) or an
 * inserted one. Someone with the database password can instead rewrite the chain from any point,
 * recomputing every later hash and fixing up `auditSeq`; that is found against the newest head
 * Keel signed: the chain must reach its seq and hold its hash there, and every event after it is
 * unsigned, so Keel did not write it. Deleting events together with their heads back to an older
 * signed head (a rollback) is found against the head anchored in KEEL_HOME (see head-anchor.ts).
 */
export async function verifyAuditChain(prisma: PrismaClient, tenantId: string, opts: VerifyChainOptions = {}): Promise<ChainVerdict> {
  const publicKeys = opts.publicKeys ?? publicKeysOf(auditKeys());
  const anchor = opts.anchorDir ? readHeadAnchor(opts.anchorDir, tenantId) : null;
  return verifyUpTo(prisma, tenantId, publicKeys, anchor, opts.onProgress);
}

async function verifyUpTo(
  prisma: PrismaClient, tenantId: string, publicKeys: AuditPublicKeys, anchor: SignedHead | null, onProgress: OnVerifyProgress | undefined,
): Promise<ChainVerdict> {
  // Rows past Tenant.auditSeq (events or heads) were not written by Keel, and are checked too.
  const [reach] = await prisma.$queryRawUnsafe<{ tip: number | null; bound: number | null }[]>(
    `SELECT (SELECT "auditSeq" FROM "Tenant" WHERE "id" = $1) AS "tip",
            greatest((SELECT "auditSeq" FROM "Tenant" WHERE "id" = $1), (SELECT max("seq") FROM "AuditEvent" WHERE "tenantId" = $1),
                     (SELECT max("seq") FROM "AuditHead" WHERE "tenantId" = $1)) AS "bound"`,
    tenantId,
  );
  const bound = reach?.bound ?? 0;
  const newest = await prisma.auditHead.findFirst({ where: { tenantId, seq: { lte: bound } }, orderBy: { seq: "desc" } });
  const signedHead: SignedHeadInfo | null = newest && {
    seq: newest.seq, hash: newest.hash, signedAt: newest.signedAt.toISOString(), keyId: newest.keyId, valid: verifyHead(publicKeys, newest),
  };
  // Before signing began, events had no heads; after, an event without one was not written by Keel.
  // Both dates are the database's word: a chain stripped of every head and rewritten with old dates
  // passes this, and only the anchor (below) finds it.
  const signingSince = newest ? null : ((await hardeningAppliedAt(prisma))?.at ?? null);

  let prevHash = GENESIS_HASH;
  let checked = 0;
  let firstHeadMismatch: { seq: number; eventId: string } | null = null;
  let firstUnsigned: BrokenLink | null = null;
  const hashAt = new Map<number, { hash: string; eventId: string }>();
  const watch = new Set([newest?.seq, anchor?.seq]);
  const fail = (broken: BrokenLink): ChainVerdict => ({ ok: false, checked, signedHead, broken });
  const read = verifyReads(prisma);
  const meter = progressMeter(onProgress, "audit", bound);
  try {
    const pages = pagesOf<EventRow>(
      (last) => read("keel_verify_events", EVENTS_SQL, [tenantId, bound, last?.seq ?? MIN_SEQ, last?.id ?? "", BATCH]),
      BATCH,
    );
    for await (const rows of pages) {
      for (const row of rows) {
        const expectedSeq = checked + 1;
        const broken = (reason: string) => fail({ seq: row.seq, eventId: row.id, reason });
        if (row.seq < expectedSeq) return broken(`event #${row.seq} repeats a sequence number: a row was inserted`);
        if (row.seq > expectedSeq) return fail({ seq: expectedSeq, eventId: null, reason: `event #${expectedSeq} is missing: a row was deleted before event #${row.seq}` });
        if (row.prevHash !== prevHash) return broken(`event #${row.seq} does not link to event #${row.seq - 1}: a row was deleted, inserted or edited`);
        if (chainHash(prevHash, row) !== row.hash) return broken(`event #${row.seq} was edited: its content no longer matches its hash`);
        if (!firstHeadMismatch && row.head === "differs") firstHeadMismatch = { seq: row.seq, eventId: row.id };
        if (!firstUnsigned && signingSince && row.head === "none" && row.createdAt > signingSince) {
          firstUnsigned = { seq: row.seq, eventId: row.id, reason: `event #${row.seq} has no signed head although Keel signs every event since ${signingSince.toISOString()}: it was written around Keel, or the heads were deleted` };
        }
        if (watch.has(row.seq)) hashAt.set(row.seq, { hash: row.hash, eventId: row.id });
        prevHash = row.hash;
        checked += 1;
      }
      meter.add(rows.length);
    }
  } finally {
    meter.finish();
  }

  const tip = reach?.tip ?? 0;
  if (tip > checked) return fail({ seq: checked + 1, eventId: null, reason: `events #${checked + 1} to #${tip} are missing: rows were deleted from the end` });
  if (tip < checked) {
    const extra = await prisma.auditEvent.findFirst({ where: { tenantId, seq: tip + 1 }, select: { id: true } });
    return fail({ seq: tip + 1, eventId: extra?.id ?? null, reason: `event #${tip + 1} was never recorded by Keel: a row was inserted` });
  }

  if (newest && signedHead) {
    const at = hashAt.get(newest.seq);
    if (!signedHead.valid) {
      return fail({ seq: newest.seq, eventId: at?.eventId ?? null, reason: `the newest signed head (#${newest.seq}, key ${newest.keyId}) does not verify with Keel's public key: it was forged or altered` });
    }
    const signed = `the head Keel signed at #${newest.seq}`;
    if (newest.seq > checked || at?.hash !== newest.hash) {
      // The first event whose stored head disagrees names where a rewrite began; without one
      // (heads deleted too), the newest signed head bounds it.
      if (firstHeadMismatch && firstHeadMismatch.seq <= newest.seq) {
        return fail({ ...firstHeadMismatch, reason: `event #${firstHeadMismatch.seq} no longer matches the head stored when it was recorded, and the chain no longer leads to ${signed}: it was rewritten from event #${firstHeadMismatch.seq} on` });
      }
      if (newest.seq > checked) {
        return fail({ seq: checked + 1, eventId: null, reason: `events #${checked + 1} to #${newest.seq} are missing: Keel signed the head at #${newest.seq}, so the chain was cut from the end` });
      }
      return fail({ seq: newest.seq, eventId: at?.eventId ?? null, reason: `the chain no longer leads to ${signed}: it was rewritten at or before event #${newest.seq}` });
    }
    if (checked > newest.seq) {
      const next = await prisma.auditEvent.findFirst({ where: { tenantId, seq: newest.seq + 1 }, select: { id: true } });
      return fail({ seq: newest.seq + 1, eventId: next?.id ?? null, reason: `event #${newest.seq + 1} and any after it have no signed head: Keel signs every event it records, so they were written around Keel` });
    }
  } else if (firstUnsigned) {
    return fail(firstUnsigned);
  }
  if (firstHeadMismatch) {
    return fail({ ...firstHeadMismatch, reason: `the stored head at #${firstHeadMismatch.seq} does not match event #${firstHeadMismatch.seq}, though the chain leads to Keel's newest signed head: a head row was altered or inserted` });
  }

  if (anchor) {
    const file = `the head Keel anchored outside the database (#${anchor.seq}, signed ${anchor.signedAt.toISOString()})`;
    if (anchor.tenantId !== tenantId || !verifyHead(publicKeys, anchor)) return fail({ seq: anchor.seq, eventId: null, reason: `${file} does not verify with Keel's public key: the file was altered` });
    if (!newest || newest.seq < anchor.seq) {
      return fail({ seq: anchor.seq, eventId: null, reason: `${file} is newer than the database's newest signed head (${newest ? `#${newest.seq}` : "none"}): the chain was rolled back` });
    }
    const at = hashAt.get(anchor.seq);
    if (at?.hash !== anchor.hash) return fail({ seq: anchor.seq, eventId: at?.eventId ?? null, reason: `event #${anchor.seq} does not match ${file}: the chain was rewritten` });
  }
  return { ok: true, checked, headHash: prevHash, signedHead };
}

/** A read verify runs: its SQL and values, and a name under which each connection plans it once. */
export type VerifyRead = <T>(name: string, text: string, values: unknown[]) => Promise<T[]>;

/**
 * How verify reads its pages: as named statements straight on the pool behind `prisma` when that
 * is the open database's, which each connection plans once and whose rows skip Prisma's mapping
 * (100,000 events: 4.7 s through Prisma, 2.0 to 2.9 s so, on PostgreSQL 15; measured), else
 * through `prisma` (a test's wrapped client).
 */
export function verifyReads(prisma: PrismaClient): VerifyRead {
  let database: Database | null = null;
  try {
    database = getDatabase();
  } catch {
    database = null;
  }
  if (database?.prisma === prisma) {
    const pool = database.pool;
    return async <T>(name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows as T[];
  }
  return <T>(_name: string, text: string, values: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...values);
}

/**
 * A keyset walk in pages, the next page's read in flight while the caller checks this one, so that
 * on a database server the rows arrive while Keel hashes. `read(last)` reads the page after `last`
 * (null: the first, unless `first` is already being read); a page shorter than `limit` is the last.
 * Each page is one short statement, so on the embedded database other work still gets the
 * connection between them.
 */
export async function* pagesOf<T>(read: (last: T | null) => Promise<T[]>, limit: number, first?: Promise<T[]>): AsyncGenerator<T[]> {
  let next: Promise<T[]> | null = first ?? ahead(read(null));
  while (next) {
    const rows: T[] = await next;
    next = rows.length < limit ? null : ahead(read(rows[rows.length - 1]));
    yield rows;
  }
}

/**
 * A read started ahead of its use, its failure handled now: a walk that stops early (a broken
 * link) or awaits something else first would otherwise leave it unhandled. Whoever awaits it still
 * gets the error.
 */
export function ahead<T>(read: Promise<T>): Promise<T> {
  read.catch(() => {});
  return read;
}
