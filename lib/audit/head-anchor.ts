import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/db/client";
import { verifyHead, type AuditPublicKeys, type SignedHead } from "./signer";

/**
 * Signed heads alone cannot show a rollback: someone holding the database password can delete
 * the newest events together with their heads, back to an older signed head, and the shorter
 * chain still verifies. So Keel also keeps each tenant's newest signed head in a file under
 * `$KEEL_HOME/heads/`, outside the database, refreshed once a minute by the request sealer, and
 * verify compares the database with it. What this leaves open: a rollback of the events of the
 * last minute or so; a KEEL_HOME without anchors (a new instance, or a container whose KEEL_HOME
 * is not kept), whose first pass takes the database's newest signed head on trust; and anyone
 * who can write KEEL_HOME (who could read the signing key anyway). Comparing the signed head in
 * an earlier export or verdict catches those.
 */
export function headAnchorFile(dir: string, tenantId: string): string {
  return path.join(dir, `${tenantId.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
}

/** The tenant's anchored head, or null when none was written here. */
export function readHeadAnchor(dir: string, tenantId: string): SignedHead | null {
  let text: string;
  try {
    text = fs.readFileSync(headAnchorFile(dir, tenantId), "utf8");
  } catch {
    return null;
  }
  const h = JSON.parse(text) as Omit<SignedHead, "signedAt"> & { signedAt: string };
  return { tenantId: h.tenantId, seq: h.seq, hash: h.hash, keyId: h.keyId, signature: h.signature, signedAt: new Date(h.signedAt) };
}

function writeHeadAnchor(dir: string, head: SignedHead) {
  fs.mkdirSync(dir, { recursive: true });
  const file = headAnchorFile(dir, head.tenantId);
  const tmp = `${file}.${process.pid}.tmp`;
  const { tenantId, seq, hash, keyId, signature, signedAt } = head;
  fs.writeFileSync(tmp, `${JSON.stringify({ tenantId, seq, hash, keyId, signature, signedAt: signedAt.toISOString() })}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Moves each tenant's anchor forward to its newest signed head. An anchor only moves forward,
 * and only while the chain still holds the anchored head: otherwise the evidence is kept and
 * logged, for verify to report.
 */
export class HeadAnchors {
  private seen = new Map<string, number>();
  private warned = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly publicKeys: AuditPublicKeys,
  ) {}

  async update(prisma: PrismaClient): Promise<void> {
    const tenants = await prisma.tenant.findMany({ where: { auditSeq: { gt: 0 } }, select: { id: true, auditSeq: true } });
    for (const t of tenants) {
      if (this.seen.get(t.id) === t.auditSeq) continue;
      try {
        await this.updateTenant(prisma, t);
      } catch (error) {
        console.error(`[audit] anchoring tenant ${t.id}'s signed head failed:`, error);
      }
    }
  }

  private async updateTenant(prisma: PrismaClient, t: { id: string; auditSeq: number }): Promise<void> {
    const anchored = readHeadAnchor(this.dir, t.id);
    const head = await prisma.auditHead.findUnique({ where: { tenantId_seq: { tenantId: t.id, seq: t.auditSeq } } });
    // No head at the tip: a tenant whose events all predate signing, or one whose tip someone else wrote.
    if (!head || !verifyHead(this.publicKeys, head)) return;
    if (anchored && anchored.seq >= head.seq) {
      if (anchored.seq > head.seq) this.warn(t.id, `its newest signed head is #${head.seq}, older than the anchored #${anchored.seq}: the chain was rolled back`);
      else this.seen.set(t.id, t.auditSeq);
      return;
    }
    if (anchored) {
      const at = await prisma.auditEvent.findUnique({ where: { tenantId_seq: { tenantId: t.id, seq: anchored.seq } }, select: { hash: true } });
      if (at?.hash !== anchored.hash) {
        this.warn(t.id, `its chain no longer holds the head anchored at #${anchored.seq}: it was rolled back or rewritten`);
        return;
      }
    }
    writeHeadAnchor(this.dir, head);
    this.seen.set(t.id, t.auditSeq);
  }

  private warn(tenantId: string, what: string) {
    if (this.warned.has(tenantId)) return;
    this.warned.add(tenantId);
    console.error(`[audit] tenant ${tenantId}: ${what}. The anchor in ${headAnchorFile(this.dir, tenantId)} is kept; run Verify chain.`);
  }
}
