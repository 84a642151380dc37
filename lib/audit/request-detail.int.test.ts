import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { findPlaygroundRun } from "@/lib/playground/data";
import { db, getDatabase } from "@/lib/db/client";
import { RecordWriter, recordInserter, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, unique } from "@/lib/testing/factories";
import { findRequestDetail, SEAL_OF_RECORD_SQL } from "./request-detail";
import { sealTenantRequests } from "./seal-requests";

/** The request page's read of one record, tried the way an attacker would, and what it costs. */
useTestDatabase();

const writer = () => new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));
const row = (tenantId: string, userId: string | null): RequestRecordRow => ({
  id: `req_${unique()}`, tenantId, apiKeyId: null, userId, endpointId: null, endpointName: "chat", modelVersionId: null,
  route: "chat.completions", stream: false, inputHash: null, inputTokens: 10, outputTokens: 5, tokensEstimated: false,
  costUsd: "0.00000100", latencyMs: 20, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: new Date(),
});

async function writeRecords(tenantId: string, userId: string | null, n: number) {
  const w = writer();
  const rows = Array.from({ length: n }, () => row(tenantId, userId));
  for (const r of rows) await w.write(r);
  return rows;
}

async function sealAll(tenantId: string, batchSize: number) {
  await sleep(5);
  while (await sealTenantRequests(getDatabase().pool, tenantId, { batchSize, marginMs: 0 }));
}

async function tenantWithDeveloper() {
  const tenant = await seedTenant();
  const { user } = await seedMember(tenant, "DEVELOPER");
  return { tenant, user, scope: { tenantId: tenant.id, userId: user.id, role: "DEVELOPER" as const } };
}

describe("a request record's page", () => {
  it("names the seal that covers each record, at either end of a seal's range too, and none before the sealer reaches it", async () => {
    const s = await tenantWithDeveloper();
    const rows = await writeRecords(s.tenant.id, s.user.id, 10);
    await sealAll(s.tenant.id, 4);
    const seals = await db().requestSeal.findMany({ where: { tenantId: s.tenant.id }, orderBy: { seq: "asc" } });
    expect(seals.map((x) => x.count)).toEqual([4, 4, 2]);
    for (const r of rows) {
      const seal = seals.find((x) => x.recordIds.includes(r.id))!;
      expect((await findRequestDetail(s.scope, r.id))?.seal, r.id).toEqual({ seq: seal.seq, auditSeq: seal.auditSeq, count: seal.count, createdAt: seal.createdAt });
    }
    const [later] = await writeRecords(s.tenant.id, s.user.id, 1);
    expect(await findRequestDetail(s.scope, later.id)).toMatchObject({ id: later.id, seal: null });
  });

  it("reads only the list of ids of the seal whose range holds the record, however many seals the tenant has", async () => {
    const s = await tenantWithDeveloper();
    const [record] = await writeRecords(s.tenant.id, s.user.id, 1);
    await sealAll(s.tenant.id, 10);
    // 40 older seals of 3,000 ids each, as a tenant with traffic gathers in under an hour.
    await db().$executeRawUnsafe(
      `INSERT INTO "RequestSeal" ("id","tenantId","seq","auditSeq","firstInsertedAt","firstId","lastInsertedAt","lastId","count","root","recordIds")
       SELECT 'old-' || g || '-' || $2, $1, 100 + g, 1, now() - interval '1 day' - (g || ' min')::interval, 'a', now() - interval '1 day' - (g || ' min')::interval, 'z', 3000, 'r',
              ARRAY(SELECT md5(g::text || ':' || i::text) FROM generate_series(1, 3000) i)
       FROM generate_series(1, 40) g`,
      s.tenant.id, unique(),
    );
    const buffers = async (sql: string) => {
      const [plan] = await db().$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: Record<string, number> }] }[]>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, s.tenant.id, record.id);
      return plan["QUERY PLAN"][0].Plan["Shared Hit Blocks"] + plan["QUERY PLAN"][0].Plan["Shared Read Blocks"];
    };
    expect(await buffers(`SELECT "seq" FROM "RequestSeal" WHERE "tenantId" = $1 AND "recordIds" @> ARRAY[$2]`)).toBeGreaterThan(400);
    expect(await buffers(SEAL_OF_RECORD_SQL)).toBeLessThan(60);
    expect((await findRequestDetail(s.scope, record.id))?.seal).toMatchObject({ seq: 1, count: 1 });
  });

  it("is another tenant's nowhere: not by id, not to their auditor, not as a playground run", async () => {
    const owner = await tenantWithDeveloper();
    const other = await tenantWithDeveloper();
    const [record] = await writeRecords(owner.tenant.id, owner.user.id, 1);
    const { user: theirAuditor } = await seedMember(other.tenant, "AUDITOR");
    expect(await findRequestDetail(owner.scope, record.id)).toMatchObject({ id: record.id, actor: { kind: "user", email: owner.user.email } });
    expect(await findRequestDetail(other.scope, record.id)).toBeNull();
    expect(await findRequestDetail({ tenantId: other.tenant.id, userId: theirAuditor.id, role: "AUDITOR" }, record.id)).toBeNull();
    expect(await findPlaygroundRun({ tenantId: other.tenant.id, userId: owner.user.id }, record.id)).toBeNull();
  });

  it("shows a member only their own requests, and the tenant's overseers all of them", async () => {
    const s = await tenantWithDeveloper();
    const [record] = await writeRecords(s.tenant.id, s.user.id, 1);
    const [byKey] = await writeRecords(s.tenant.id, null, 1);
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      const { user } = await seedMember(s.tenant, role);
      expect(await findRequestDetail({ tenantId: s.tenant.id, userId: user.id, role }, record.id), role).toBeNull();
      expect(await findRequestDetail({ tenantId: s.tenant.id, userId: user.id, role }, byKey.id), role).toBeNull();
    }
    for (const role of ["OWNER", "ADMIN", "AUDITOR", "APPROVER"] as const) {
      const { user } = await seedMember(s.tenant, role);
      expect(await findRequestDetail({ tenantId: s.tenant.id, userId: user.id, role }, record.id), role).toMatchObject({ id: record.id });
    }
  });

  it("finds nothing for an id no record can have, without asking the database", async () => {
    const s = await tenantWithDeveloper();
    for (const id of ["\u0000", `req_${"x".repeat(300)}`, "req with spaces", "", "é"]) {
      await expect(findRequestDetail(s.scope, id), JSON.stringify(id.slice(0, 20))).resolves.toBeNull();
      await expect(findPlaygroundRun(s.scope, id)).resolves.toBeNull();
    }
    // What the gateway gives a request that brought no id of its own is one a record can have.
    expect(crypto.randomUUID()).toMatch(/^[\x21-\x7e]+$/);
  });
});
