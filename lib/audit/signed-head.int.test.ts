import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { chainHash, type ChainedContent } from "./chain";
import { HeadAnchors } from "./head-anchor";
import { recordAudit } from "./record";
import { auditKeys, parseAuditPublicKeys, publicKeySpec, publicKeysOf, verifyHead } from "./signer";
import { asSuperuser, type Statement } from "./test-tamper";
import { verifyAuditChain } from "./verify";

const handle = useTestDatabase();
const SYSTEM = { type: "SYSTEM" as const, id: null, label: "test" };
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };

/** A tenant whose chain has `n` events (its creation and n - 1 more), each written as the app writes them. */
async function tenantWithEvents(n: number) {
  const tenant = await seedTenant();
  for (let i = 1; i < n; i++) await appendEvent(tenant.id, `e${i}`);
  return tenant;
}

const appendEvent = (tenantId: string, resourceId: string) =>
  db().$transaction((tx) => recordAudit(tx, tenantId, SYSTEM, NO_REQUEST, { action: "member.invited", resourceType: "membership", resourceId, after: { role: "VIEWER" } }));

/**
 * What someone holding the database password does to rewrite history from event `from` on: change
 * the events as they like, recompute every later link and hash (renumbering after a deletion) and
 * set Tenant.auditSeq to match. Here: the event at `from` is dropped or changed.
 */
async function rewriteFrom(tenantId: string, from: number, change: "drop" | "edit") {
  const events = await db().auditEvent.findMany({ where: { tenantId }, orderBy: { seq: "asc" } });
  const kept = events.filter((e) => !(change === "drop" && e.seq === from));
  const statements: Statement[] = [[`DELETE FROM "AuditEvent" WHERE "tenantId" = $1 AND "seq" >= $2`, tenantId, from]];
  let prevHash = kept[from - 2].hash;
  for (const [i, e] of kept.entries()) {
    if (e.seq < from) continue;
    const content: ChainedContent = { ...e, seq: i + 1, after: change === "edit" && e.seq === from ? { role: "OWNER" } : e.after };
    const hash = chainHash(prevHash, content);
    statements.push([
      `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorId","actorLabel","action","resourceType","resourceId","before","after","ip","userAgent","requestId","createdAt","prevHash","hash")
       VALUES ($1,$2,$3,$4::"ActorType",$5,$6,$7,$8,$9,$10::jsonb,$11::jsonb,$12,$13,$14,$15,$16,$17)`,
      e.id, tenantId, content.seq, e.actorType, e.actorId, e.actorLabel, e.action, e.resourceType, e.resourceId,
      e.before === null ? null : JSON.stringify(e.before), content.after === null ? null : JSON.stringify(content.after),
      e.ip, e.userAgent, e.requestId, e.createdAt, prevHash, hash,
    ]);
    prevHash = hash;
  }
  statements.push([`UPDATE "Tenant" SET "auditSeq" = $2 WHERE "id" = $1`, tenantId, kept.length]);
  await asSuperuser(handle, ...statements);
  return events;
}

describe("signed audit heads", () => {
  it("signs every event's head with Keel's key, verifiable with the public key alone", async () => {
    const tenant = await tenantWithEvents(4);
    const heads = await db().auditHead.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: "asc" } });
    const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: "asc" } });
    expect(heads.map((h) => [h.seq, h.hash])).toEqual(events.map((e) => [e.seq, e.hash]));
    const offline = parseAuditPublicKeys(publicKeySpec(auditKeys()));
    expect(heads.every((h) => verifyHead(offline, h))).toBe(true);
    expect(await verifyAuditChain(db(), tenant.id, { publicKeys: offline })).toMatchObject({
      ok: true, checked: 4, signedHead: { seq: 4, keyId: "test", valid: true, hash: events[3].hash },
    });
  });

  it("finds a chain rewritten from the middle with every hash and auditSeq fixed up, naming the first rewritten event", async () => {
    const tenant = await tenantWithEvents(6);
    const before = await rewriteFrom(tenant.id, 3, "edit");
    const verdict = await verifyAuditChain(db(), tenant.id);
    expect(verdict).toMatchObject({ ok: false, broken: { seq: 3, eventId: before[2].id, reason: expect.stringMatching(/rewritten from event #3/) } });

    // The same after dropping an event and renumbering the rest.
    const other = await tenantWithEvents(6);
    const original = await rewriteFrom(other.id, 4, "drop");
    expect(await verifyAuditChain(db(), other.id)).toMatchObject({ ok: false, broken: { seq: 4, eventId: original[4].id, reason: expect.stringMatching(/rewritten/) } });
  });

  it("finds a rewrite even when the rewritten events' heads were deleted too", async () => {
    const tenant = await tenantWithEvents(6);
    await rewriteFrom(tenant.id, 3, "edit");
    await asSuperuser(handle, [`DELETE FROM "AuditHead" WHERE "tenantId" = $1 AND "seq" BETWEEN 3 AND 5`, tenant.id]);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, broken: { seq: 6, reason: expect.stringMatching(/no longer leads to the head Keel signed at #6/) } });
  });

  it("finds the tail cut off with auditSeq fixed up", async () => {
    const tenant = await tenantWithEvents(6);
    await asSuperuser(
      handle,
      [`DELETE FROM "AuditEvent" WHERE "tenantId" = $1 AND "seq" > 4`, tenant.id],
      [`UPDATE "Tenant" SET "auditSeq" = 4 WHERE "id" = $1`, tenant.id],
    );
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, checked: 4, broken: { seq: 5, reason: expect.stringMatching(/cut from the end/) } });
  });

  it("finds a rollback (events and their heads deleted back to an older signed head) against the anchored head", async () => {
    const tenant = await tenantWithEvents(5);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-heads-"));
    await new HeadAnchors(dir, publicKeysOf(auditKeys())).update(db());
    expect(await verifyAuditChain(db(), tenant.id, { anchorDir: dir })).toMatchObject({ ok: true, checked: 5 });
    await asSuperuser(
      handle,
      [`DELETE FROM "AuditEvent" WHERE "tenantId" = $1 AND "seq" > 3`, tenant.id],
      [`DELETE FROM "AuditHead" WHERE "tenantId" = $1 AND "seq" > 3`, tenant.id],
      [`UPDATE "Tenant" SET "auditSeq" = 3 WHERE "id" = $1`, tenant.id],
    );
    // New events after the rollback must not move the anchor past the evidence.
    await appendEvent(tenant.id, "after-rollback");
    await appendEvent(tenant.id, "after-rollback-2");
    await appendEvent(tenant.id, "after-rollback-3");
    await new HeadAnchors(dir, publicKeysOf(auditKeys())).update(db());
    expect(await verifyAuditChain(db(), tenant.id, { anchorDir: dir })).toMatchObject({ ok: false, broken: { seq: 5, reason: expect.stringMatching(/rolled back|rewritten/) } });
  });

  it("treats a chain with every head deleted as unsigned, not as one from before signing began", async () => {
    const tenant = await tenantWithEvents(3);
    const first = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 1 } });
    await asSuperuser(handle, [`DELETE FROM "AuditHead" WHERE "tenantId" = $1`, tenant.id]);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, signedHead: null, broken: { seq: 1, eventId: first.id, reason: expect.stringMatching(/no signed head/) } });
  });

  it("names events written around Keel: a forged event with a correct hash and auditSeq, and a forged head", async () => {
    const tenant = await tenantWithEvents(3);
    const head = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 3 } });
    const forged: ChainedContent = {
      tenantId: tenant.id, seq: 4, actorType: "USER", actorId: null, actorLabel: "mallory", action: "member.invited", resourceType: "membership",
      resourceId: "x", before: null, after: null, ip: null, userAgent: null, requestId: null, createdAt: new Date(),
    };
    const hash = chainHash(head.hash, forged);
    await asSuperuser(
      handle,
      [
        `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorLabel","action","resourceType","resourceId","createdAt","prevHash","hash")
         VALUES ('forged-ev', $1, 4, 'USER', 'mallory', 'member.invited', 'membership', 'x', $2, $3, $4)`,
        tenant.id, forged.createdAt, head.hash, hash,
      ],
      [`UPDATE "Tenant" SET "auditSeq" = 4 WHERE "id" = $1`, tenant.id],
    );
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, broken: { seq: 4, eventId: "forged-ev", reason: expect.stringMatching(/no signed head/) } });

    await asSuperuser(handle, [
      `INSERT INTO "AuditHead" ("id","tenantId","seq","hash","keyId","signature","signedAt") VALUES ('forged-head', $1, 4, $2, 'test', $3, now())`,
      tenant.id, hash, Buffer.alloc(64, 1).toString("base64"),
    ]);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, broken: { seq: 4, reason: expect.stringMatching(/does not verify with Keel's public key/) } });
  });

  it("is not fooled into a false alarm by events appended while it runs", async () => {
    const tenant = await tenantWithEvents(30);
    let appending = true;
    const appender = (async () => {
      let i = 0;
      while (appending) await appendEvent(tenant.id, `live-${i++}`);
      return i;
    })();
    const verdicts = [];
    for (let i = 0; i < 8; i++) verdicts.push(await verifyAuditChain(db(), tenant.id));
    appending = false;
    const appended = await appender;
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(appended).toBeGreaterThan(0);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: true, checked: 30 + appended });
  });
});
