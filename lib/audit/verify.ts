import type { PrismaClient } from "@/lib/db/client";
import { GENESIS_HASH, chainHash } from "./chain";

export type ChainVerdict =
  | { ok: true; checked: number; headHash: string }
  | { ok: false; checked: number; broken: { seq: number; eventId: string | null; reason: string } };

const BATCH = 1000;

/**
 * Walks a tenant's chain in order and names the first broken link: an edited event (its hash no
 * longer matches its content), a deleted one (a gap in the sequence, or a link to a hash that is
 * not its predecessor's) or an inserted one (a repeated sequence number or a foreign link).
 */
export async function verifyAuditChain(prisma: PrismaClient, tenantId: string): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let cursor: { seq: number; id: string } | null = null;
  for (;;) {
    const rows: Awaited<ReturnType<typeof prisma.auditEvent.findMany>> = await prisma.auditEvent.findMany({
      where: {
        tenantId,
        ...(cursor ? { OR: [{ seq: { gt: cursor.seq } }, { seq: cursor.seq, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ seq: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    for (const row of rows) {
      const broken = (reason: string): ChainVerdict => ({ ok: false, checked, broken: { seq: row.seq, eventId: row.id, reason } });
      if (row.seq < expectedSeq) return broken(`event #${row.seq} repeats a sequence number: a row was inserted`);
      if (row.seq > expectedSeq) {
        return { ok: false, checked, broken: { seq: expectedSeq, eventId: null, reason: `event #${expectedSeq} is missing: a row was deleted before event #${row.seq}` } };
      }
      if (row.prevHash !== prevHash) return broken(`event #${row.seq} does not link to event #${row.seq - 1}: a row was deleted, inserted or edited`);
      const actual = chainHash(prevHash, row);
      if (actual !== row.hash) return broken(`event #${row.seq} was edited: its content no longer matches its hash`);
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < BATCH) {
      const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { auditSeq: true } });
      const head = tenant?.auditSeq ?? 0;
      if (head > checked) {
        return { ok: false, checked, broken: { seq: checked + 1, eventId: null, reason: `events #${checked + 1} to #${head} are missing: rows were deleted from the end` } };
      }
      if (head < checked) {
        const extra = await prisma.auditEvent.findFirst({ where: { tenantId, seq: head + 1 }, select: { id: true } });
        return { ok: false, checked, broken: { seq: head + 1, eventId: extra?.id ?? null, reason: `event #${head + 1} was never recorded by Keel: a row was inserted` } };
      }
      return { ok: true, checked, headHash: prevHash };
    }
    const last = rows[rows.length - 1];
    cursor = { seq: last.seq, id: last.id };
  }
}
