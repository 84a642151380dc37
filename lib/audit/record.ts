import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { ActorType } from "@/lib/db/generated/enums";
import { GENESIS_HASH, chainHash, toPlainJson, type ChainedContent } from "./chain";
import { auditKeys, signHead, type SignedHead } from "./signer";

export type AuditActor = { type: ActorType; id: string | null; label: string | null };
export type AuditRequest = { ip: string | null; userAgent: string | null; requestId: string | null };
/** The request of an event Keel itself records, from no one's request (a job, the sealer). */
export const NO_REQUEST: AuditRequest = { ip: null, userAgent: null, requestId: null };

export type AuditInput = {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** An event ready to append at `seq`: its content, its links, and the head Keel signs for it. */
export type PreparedEvent = { content: ChainedContent; prevHash: string; hash: string; head: SignedHead };

/**
 * Builds event #seq of the tenant's chain after `prevHash` (null for the first), and signs the
 * head it makes with Keel's Ed25519 key: the one place both happen, for recordAudit and for the
 * request sealer, which writes its event in a statement of its own.
 */
export function prepareAuditEvent(
  tenantId: string,
  seq: number,
  prevHash: string | null,
  actor: AuditActor,
  request: AuditRequest,
  event: AuditInput,
): PreparedEvent {
  const content: ChainedContent = {
    tenantId,
    seq,
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? null,
    before: toPlainJson(event.before),
    after: toPlainJson(event.after),
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
    createdAt: new Date(),
  };
  const prev = prevHash ?? GENESIS_HASH;
  const hash = chainHash(prev, content);
  return { content, prevHash: prev, hash, head: signHead(auditKeys(), { tenantId, seq, hash, signedAt: new Date() }) };
}

/**
 * Appends an event to the tenant's chain inside the caller's transaction. Bumping the tenant's
 * `auditSeq` locks its row until commit, so concurrent writers each link to the one before, and
 * verify can tell when events were cut off the end. Every event also signs the new head with
 * Keel's Ed25519 key (AuditHead, same transaction), so someone holding only the database password
 * cannot rewrite or cut the chain unseen: they cannot sign the head their version would need.
 * Signing costs about 50 µs; audit events are console mutations and one seal a minute per tenant.
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
  const { content, prevHash, hash, head } = prepareAuditEvent(tenantId, seq, last?.hash ?? null, actor, request, event);
  const row = await tx.auditEvent.create({
    data: {
      ...content,
      actorType: actor.type,
      before: content.before === null ? Prisma.DbNull : (content.before as Prisma.InputJsonValue),
      after: content.after === null ? Prisma.DbNull : (content.after as Prisma.InputJsonValue),
      prevHash,
      hash,
    },
    select: { id: true, seq: true, hash: true },
  });
  await tx.auditHead.create({ data: head, select: { id: true } });
  return row;
}
