import type { PrismaClient } from "@/lib/db/client";
import { GENESIS_HASH, chainHash } from "./chain";
import { readHeadAnchor } from "./head-anchor";
import { hardeningAppliedAt } from "./legacy";
import { auditKeys, publicKeysOf, verifyHead, type AuditPublicKeys, type SignedHead } from "./signer";

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
};

const BATCH = 1000;

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
  return verifyUpTo(prisma, tenantId, publicKeys, anchor);
}

async function verifyUpTo(prisma: PrismaClient, tenantId: string, publicKeys: AuditPublicKeys, anchor: SignedHead | null): Promise<ChainVerdict> {
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
  let cursor: { seq: number; id: string } | null = null;
  let firstHeadMismatch: { seq: number; eventId: string } | null = null;
  let firstUnsigned: BrokenLink | null = null;
  const hashAt = new Map<number, { hash: string; eventId: string }>();
  const watch = new Set([newest?.seq, anchor?.seq]);
  const fail = (broken: BrokenLink): ChainVerdict => ({ ok: false, checked, signedHead, broken });

  for (;;) {
    const rows: Awaited<ReturnType<typeof prisma.auditEvent.findMany>> = await prisma.auditEvent.findMany({
      where: { tenantId, seq: { lte: bound }, ...(cursor ? { OR: [{ seq: { gt: cursor.seq } }, { seq: cursor.seq, id: { gt: cursor.id } }] } : {}) },
      orderBy: [{ seq: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    const heads = rows.length
      ? new Map(
          (await prisma.auditHead.findMany({ where: { tenantId, seq: { gte: rows[0].seq, lte: rows[rows.length - 1].seq } }, select: { seq: true, hash: true } })).map(
            (h) => [h.seq, h.hash],
          ),
        )
      : new Map<number, string>();
    for (const row of rows) {
      const expectedSeq = checked + 1;
      const broken = (reason: string) => fail({ seq: row.seq, eventId: row.id, reason });
      if (row.seq < expectedSeq) return broken(`event #${row.seq} repeats a sequence number: a row was inserted`);
      if (row.seq > expectedSeq) return fail({ seq: expectedSeq, eventId: null, reason: `event #${expectedSeq} is missing: a row was deleted before event #${row.seq}` });
      if (row.prevHash !== prevHash) return broken(`event #${row.seq} does not link to event #${row.seq - 1}: a row was deleted, inserted or edited`);
      if (chainHash(prevHash, row) !== row.hash) return broken(`event #${row.seq} was edited: its content no longer matches its hash`);
      const headHash = heads.get(row.seq);
      if (!firstHeadMismatch && headHash !== undefined && headHash !== row.hash) {
        firstHeadMismatch = { seq: row.seq, eventId: row.id };
      }
      if (!firstUnsigned && signingSince && headHash === undefined && row.createdAt > signingSince) {
        firstUnsigned = { seq: row.seq, eventId: row.id, reason: `event #${row.seq} has no signed head although Keel signs every event since ${signingSince.toISOString()}: it was written around Keel, or the heads were deleted` };
      }
      if (watch.has(row.seq)) hashAt.set(row.seq, { hash: row.hash, eventId: row.id });
      prevHash = row.hash;
      checked += 1;
    }
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1];
    cursor = { seq: last.seq, id: last.id };
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
