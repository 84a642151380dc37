import { describe, expect, it } from "vitest";
import { db, type PrismaClient } from "@/lib/db/client";
import { inviteMember } from "@/lib/tenancy/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { chainHash } from "./chain";
import { verifyAuditChain } from "./verify";

useTestDatabase();

/** A tenant with an owner and `n` invitations, so its chain has n + 1 events. */
async function tenantWithEvents(n: number) {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  for (let i = 0; i < n; i++) {
    const r = await inviteMember.runAs(callerFor(owner), { tenant: tenant.slug, email: `p${i}-${tenant.slug}@example.test`, role: "VIEWER" });
    expect(r.ok).toBe(true);
  }
  return { tenant, owner };
}

/** Runs SQL as the superuser would, with the append-only trigger switched off. */
async function behindTheAppsBack(prisma: PrismaClient, sql: string, ...values: unknown[]) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(sql, ...values);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
  });
}

describe("audit trail", () => {
  it("rejects UPDATE, DELETE and TRUNCATE through the app's own connection", async () => {
    const { tenant } = await tenantWithEvents(1);
    await expect(db().$executeRaw`UPDATE "AuditEvent" SET "action" = 'x' WHERE "tenantId" = ${tenant.id}`).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`DELETE FROM "AuditEvent" WHERE "tenantId" = ${tenant.id}`).rejects.toThrow(/append-only/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await db().auditEvent.count({ where: { tenantId: tenant.id } })).toBe(2);
  });

  it("keeps one valid chain under concurrent mutations in one tenant", async () => {
    const tenant = await seedTenant();
    const { user: owner } = await seedMember(tenant, "OWNER");
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        inviteMember.runAs(callerFor(owner), { tenant: tenant.slug, email: `c${i}@example.test`, role: "VIEWER" }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const seqs = (await db().auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: "asc" } })).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: true, checked: 13 });
  });

  it("names an edited event", async () => {
    const { tenant } = await tenantWithEvents(4);
    const target = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 3 } });
    await behindTheAppsBack(db(), `UPDATE "AuditEvent" SET "after" = '{"email":"mallory@example.test","role":"OWNER"}' WHERE "id" = $1`, target.id);
    const verdict = await verifyAuditChain(db(), tenant.id);
    expect(verdict).toMatchObject({ ok: false, broken: { seq: 3, eventId: target.id, reason: expect.stringMatching(/edited/) } });
  });

  it("names a deleted event, in the middle or at the end", async () => {
    const { tenant } = await tenantWithEvents(4);
    await behindTheAppsBack(db(), `DELETE FROM "AuditEvent" WHERE "tenantId" = $1 AND "seq" = 2`, tenant.id);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, broken: { seq: 2, reason: expect.stringMatching(/missing/) } });

    const other = await tenantWithEvents(3);
    await behindTheAppsBack(db(), `DELETE FROM "AuditEvent" WHERE "tenantId" = $1 AND "seq" = 4`, other.tenant.id);
    expect(await verifyAuditChain(db(), other.tenant.id)).toMatchObject({ ok: false, broken: { seq: 4, reason: expect.stringMatching(/deleted from the end/) } });
  });

  it("names an inserted event", async () => {
    const { tenant } = await tenantWithEvents(3);
    const copy = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 2 } });
    // A forged row placed after the head, linking to it as a real one would.
    const head = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 4 } });
    await behindTheAppsBack(
      db(),
      `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorId","actorLabel","action","resourceType","resourceId","createdAt","prevHash","hash")
       VALUES ('forged1', $1, 5, 'USER', $2, 'mallory', 'member.invited', 'membership', 'x', now(), $3, $4)`,
      tenant.id, copy.actorId, head.hash, "f".repeat(64),
    );
    const verdict = await verifyAuditChain(db(), tenant.id);
    expect(verdict).toMatchObject({ ok: false, broken: { seq: 5, eventId: "forged1" } });
  });

  it("names an inserted event even when the forger computed its hash", async () => {
    const { tenant } = await tenantWithEvents(2);
    const head = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 3 } });
    const forged = {
      tenantId: tenant.id, seq: 4, actorType: "USER", actorId: null, actorLabel: "mallory", action: "member.invited",
      resourceType: "membership", resourceId: "x", before: null, after: null, ip: null, userAgent: null, requestId: null,
      createdAt: new Date(),
    };
    await behindTheAppsBack(
      db(),
      `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorLabel","action","resourceType","resourceId","createdAt","prevHash","hash")
       VALUES ('forged2', $1, 4, 'USER', 'mallory', 'member.invited', 'membership', 'x', $2, $3, $4)`,
      tenant.id, forged.createdAt, head.hash, chainHash(head.hash, forged),
    );
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({
      ok: false,
      broken: { seq: 4, eventId: "forged2", reason: expect.stringMatching(/inserted/) },
    });
  });
});
