import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { ActorType } from "@/lib/db/generated/enums";
import { GENESIS_HASH, chainHash, toPlainJson, type ChainedContent } from "./chain";

export type AuditActor = { type: ActorType; id: string | null; label: string | null };
export type AuditRequest = { ip: string | null; userAgent: string | null; requestId: string | null };

export type AuditInput = {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Appends an event to the tenant's chain inside the caller's transaction. Bumping the tenant's
 * `auditSeq` locks its row until commit, so concurrent writers each link to the one before, and
 * verify can tell when events were cut off the end.
 */
export async function recordAudit(
  tx: Tx,
  tenantId: string,
  actor: AuditActor,
  request: AuditRequest,
  event: AuditInput,
): Promise<{ id: string; seq: number; hash: string }> {
  const bumped = await tx.$queryRaw<{ auditSeq: number }[]>`
    UPDATE "Tenant" SET "auditSeq" = "auditSeq" + 1 WHERE "id" = ${tenantId} RETURNING "auditSeq"`;
  if (bumped.length === 0) throw new Error(`recordAudit: tenant ${tenantId} does not exist`);
  const seq = bumped[0].auditSeq;
  const last =
    seq === 1 ? null : await tx.auditEvent.findUnique({ where: { tenantId_seq: { tenantId, seq: seq - 1 } }, select: { hash: true } });
  if (seq > 1 && !last) throw new Error(`recordAudit: event #${seq - 1} of tenant ${tenantId} is missing; the chain is broken`);
  const before = toPlainJson(event.before);
  const after = toPlainJson(event.after);
  const content: ChainedContent = {
    tenantId,
    seq,
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? null,
    before,
    after,
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
    createdAt: new Date(),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, content);
  const row = await tx.auditEvent.create({
    data: {
      ...content,
      actorType: actor.type,
      before: before === null ? Prisma.DbNull : (before as Prisma.InputJsonValue),
      after: after === null ? Prisma.DbNull : (after as Prisma.InputJsonValue),
      prevHash,
      hash,
    },
    select: { id: true, seq: true, hash: true },
  });
  return row;
}
