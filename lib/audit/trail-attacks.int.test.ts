import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { db, getDatabase } from "@/lib/db/client";
import { RecordWriter, recordInserter, toCanonical, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant, unique } from "@/lib/testing/factories";
import { chainHash, type ChainedContent } from "./chain";
import { HARDENING_MIGRATION } from "./legacy";
import { recordAudit } from "./record";
import { RECORD_FIELDS, canonicalRecord, deriveMacKeys, recordMac } from "./request-record-hash";
import { RequestSealer } from "./request-sealer";
import { sealTenantRequests } from "./seal-requests";
import { auditKeys, parseAuditKeys, signHead } from "./signer";
import { asSuperuser, legacyTenant } from "./test-tamper";
import { verifyAuditChain } from "./verify";
import { verifyRequestRecords } from "./verify-requests";
import { verifyTrails } from "./verify-trails";

/**
 * What someone holding only the database password (superuser, triggers off) tries against the
 * request records and the sealer, beyond the edits request-seal.int.test.ts covers.
 */
const handle = useTestDatabase();
const writer = () => new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));
const HARDENING_FINISHED = `(SELECT "finished_at" FROM "_prisma_migrations" WHERE "migration_name" = '${HARDENING_MIGRATION}')`;

const row = (tenantId: string, i: number): RequestRecordRow => ({
  id: `req_${unique()}_${i}`, tenantId, apiKeyId: null, userId: null, endpointId: null, endpointName: "chat", modelVersionId: null,
  route: "chat.completions", stream: false, inputHash: null, inputTokens: 10 + i, outputTokens: 5, tokensEstimated: false,
  costUsd: "0.00100000", latencyMs: 20, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: new Date(),
});

async function writeRecords(tenantId: string, n: number) {
  const w = writer();
  const rows = Array.from({ length: n }, (_, i) => row(tenantId, i));
  for (const r of rows) await w.write(r);
  return rows;
}

async function sealAll(tenantId: string) {
  await sleep(5);
  let seals = 0;
  while (await sealTenantRequests(getDatabase().pool, tenantId, { marginMs: 0 })) seals += 1;
  return seals;
}

/** A record row as the superuser inserts it: every canonical column, and insertedAt and mac as given. */
const insertRecord = (r: RequestRecordRow, insertedAt: string, mac: string | null): [string, ...unknown[]] => {
  const c = toCanonical(r);
  const cols = [...RECORD_FIELDS, "insertedAt", "mac"];
  return [
    `INSERT INTO "RequestRecord" (${cols.map((k) => `"${k}"`).join(",")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(",")})`,
    ...RECORD_FIELDS.map((k) => c[k]), insertedAt, mac,
  ];
};

describe("request records against someone holding the database password", () => {
  it("names a MAC-less record passed off as one from before the hardening migration, before and after it is sealed", async () => {
    const tenant = await seedTenant();
    const forged = row(tenant.id, 0);
    await asSuperuser(handle, insertRecord({ ...forged, id: "backdated" }, "2020-01-01T00:00:00Z", null));
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "unauthenticated", recordId: "backdated" } });
    expect(await sealAll(tenant.id)).toBe(1);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, legacy: 0, problem: { kind: "unauthenticated", recordId: "backdated", sealSeq: 1 } });

    // The migration's date moved forward, a record edited and its MAC dropped before its seal.
    const other = await seedTenant();
    const [real] = await writeRecords(other.id, 1);
    expect(await sealAll(other.id)).toBe(1);
    const [edited] = await writeRecords(other.id, 1);
    await withHardeningMovedForward(async () => {
      await asSuperuser(handle, [`UPDATE "RequestRecord" SET "costUsd" = 9, "mac" = NULL WHERE "id" = $1`, edited.id]);
      expect(await sealAll(other.id)).toBe(1);
      const verdict = await verifyRequestRecords(db(), other.id);
      expect(verdict).toMatchObject({ ok: false, legacy: 0, problem: { kind: "unauthenticated", recordId: edited.id, sealSeq: 2 } });
      expect(verdict.problems.map((p) => p.recordId)).not.toContain(real.id);
    });
  });

  it("still accepts the MAC-less records of a tenant that predates the migration, in its first seals only", async () => {
    const tenant = await legacyTenant();
    await asSuperuser(handle, insertRecord({ ...row(tenant.id, 0), id: "legacy-rec" }, await hardeningTime("- interval '1 hour'"), null));
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, legacy: 1, unsealed: 1 });
    await writeRecords(tenant.id, 2);
    expect(await sealAll(tenant.id)).toBe(1);
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "requests.sealed" } });
    expect(event.after).toMatchObject({ count: 3, legacy: 1 });
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 3, legacy: 1 });
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: true });

    // After a seal that held records Keel wrote, a MAC-less record is no longer legacy, whatever its date.
    await withHardeningMovedForward(async () => {
      await asSuperuser(handle, insertRecord({ ...row(tenant.id, 9), id: "late-macless" }, new Date().toISOString(), null));
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "unauthenticated", recordId: "late-macless", sealSeq: null } });
      expect(await sealAll(tenant.id)).toBe(1);
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, legacy: 1, problem: { kind: "unauthenticated", recordId: "late-macless", sealSeq: 2 } });
    });
  });

  it("names a copy of a record with the same id, inserted once the primary key is dropped", async () => {
    const tenant = await seedTenant();
    const rows = await writeRecords(tenant.id, 3);
    expect(await sealAll(tenant.id)).toBe(1);
    // An exact copy (so its MAC is valid) after the last seal, where the next seal would take it in.
    const mac = recordMac(deriveMacKeys(process.env.KEEL_AUDIT_SIGNING_KEY!)[0], canonicalRecord(toCanonical(rows[1])));
    await asSuperuser(handle, [`ALTER TABLE "RequestRecord" DROP CONSTRAINT "RequestRecord_pkey"`], insertRecord(rows[1], new Date().toISOString(), mac));
    try {
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "inserted", recordId: rows[1].id } });
      await sealAll(tenant.id);
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "inserted", recordId: rows[1].id } });
    } finally {
      await asSuperuser(
        handle,
        [`DELETE FROM "RequestRecord" WHERE "id" = $1`, rows[1].id],
        [`ALTER TABLE "RequestRecord" ADD CONSTRAINT "RequestRecord_pkey" PRIMARY KEY ("id")`],
      );
    }
  });

  it("names a record moved into the future, where no seal would ever cover it", async () => {
    const tenant = await seedTenant();
    const rows = await writeRecords(tenant.id, 2);
    await asSuperuser(handle, [`UPDATE "RequestRecord" SET "insertedAt" = '2999-01-01' WHERE "id" = $1`, rows[0].id]);
    expect(await sealAll(tenant.id)).toBe(1);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "edited", recordId: rows[0].id, reason: expect.stringMatching(/future/) } });
  });

  it("names a seal row that is not in the chain, which would stop the sealer for good", async () => {
    const tenant = await seedTenant();
    await writeRecords(tenant.id, 2);
    expect(await sealAll(tenant.id)).toBe(1);
    await asSuperuser(handle, [
      `INSERT INTO "RequestSeal" ("id","tenantId","seq","auditSeq","firstInsertedAt","firstId","lastInsertedAt","lastId","count","root","recordIds")
       VALUES ('forged-seal', $1, 2, 99, '2999-01-01', 'x', '2999-01-01', 'x', 1, $2, ARRAY['x'])`,
      tenant.id, "0".repeat(64),
    ]);
    await writeRecords(tenant.id, 2);
    expect(await sealAll(tenant.id)).toBe(0);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "seal", sealSeq: 2, reason: expect.stringMatching(/not in the audit chain/) } });
  });
});

describe("the sealer against someone holding the database password", () => {
  it("keeps sealing and anchoring the other tenants when one tenant's chain is broken", async () => {
    const broken = await seedTenant();
    await writeRecords(broken.id, 1);
    // auditSeq set back by one: the next event's seq is taken, so sealing this tenant fails.
    await asSuperuser(handle, [`UPDATE "Tenant" SET "auditSeq" = 0 WHERE "id" = $1`, broken.id]);
    const healthy = [await seedTenant(), await seedTenant()];
    for (const t of healthy) await writeRecords(t.id, 2);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "keel-home-"));
    const sealer = new RequestSealer(getDatabase(), { home, intervalMs: 3_600_000, marginMs: 0 });
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      await sleep(5);
      await sealer.sealAll();
    } finally {
      console.error = error;
      await sealer.stop();
    }
    for (const t of healthy) {
      expect(await db().requestSeal.count({ where: { tenantId: t.id } })).toBe(1);
      expect(fs.existsSync(path.join(home, "heads", `${t.id}.json`))).toBe(true);
    }
    expect(errors.some((e) => String(e).includes(broken.id))).toBe(true);
  });

  // Only the PostgreSQL server has other sessions whose open transactions could hold sealing back;
  // the embedded database serves one connection. Declared only where they apply, never skipped.
  if (handle.kind === "postgres") it("is not held back by a transaction left open, and names the record it commits late", async () => {
    const tenant = await seedTenant();
    const idle = new pg.Client({ connectionString: handle.url });
    await idle.connect();
    try {
      await writeRecords(tenant.id, 1);
      const late = toCanonical(row(tenant.id, 7));
      const mac = recordMac(deriveMacKeys(process.env.KEEL_AUDIT_SIGNING_KEY!)[0], canonicalRecord(late));
      await idle.query("BEGIN");
      await idle.query(
        `INSERT INTO "RequestRecord" (${RECORD_FIELDS.map((c) => `"${c}"`).join(",")},"mac") VALUES (${RECORD_FIELDS.map((_, i) => `$${i + 1}`).join(",")},$${RECORD_FIELDS.length + 1})`,
        [...RECORD_FIELDS.map((c) => late[c]), mac],
      );
      await writeRecords(tenant.id, 2);
      await sleep(5);
      expect(await sealTenantRequests(getDatabase().pool, tenant.id, { marginMs: 0 })).toMatchObject({ count: 3 });
      await idle.query("COMMIT");
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "inserted", recordId: late.id } });
    } finally {
      await idle.end();
    }
  });

  if (handle.kind === "postgres") it("waits for a record insert still running, but not past the stall limit", async () => {
    const tenant = await seedTenant();
    const slow = new pg.Client({ connectionString: handle.url });
    await slow.connect();
    try {
      await writeRecords(tenant.id, 1);
      const late = toCanonical(row(tenant.id, 7));
      const mac = recordMac(deriveMacKeys(process.env.KEEL_AUDIT_SIGNING_KEY!)[0], canonicalRecord(late));
      // One statement that takes its time, as a record insert waiting on a lock or a replica would.
      const pending = slow.query(
        `INSERT INTO "RequestRecord" (${RECORD_FIELDS.map((c) => `"${c}"`).join(",")},"mac") SELECT ${RECORD_FIELDS.map((_, i) => `$${i + 1}`).join(",")},$${RECORD_FIELDS.length + 1} FROM pg_sleep(3)`,
        [...RECORD_FIELDS.map((c) => late[c]), mac],
      );
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await db().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE "query" LIKE '%pg_sleep(3)%' AND "state" = 'active' AND "pid" <> pg_backend_pid()`);
        if (n > 0) break;
        await sleep(10);
      }
      await writeRecords(tenant.id, 2);
      await sleep(5);
      expect(await sealTenantRequests(getDatabase().pool, tenant.id, { marginMs: 0 })).toMatchObject({ count: 1 });
      // A statement running longer than the limit is not a record insert Keel is waiting for.
      await sleep(200);
      expect(await sealTenantRequests(getDatabase().pool, tenant.id, { marginMs: 0, stallLimitMs: 100 })).toMatchObject({ count: 2 });
      await pending;
      expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "inserted", recordId: late.id } });
    } finally {
      await slow.end();
    }
  });
});

describe("signed heads against someone holding the database password", () => {
  it("names a head signed under a key id Keel does not hold, even a well-formed one", async () => {
    const tenant = await seedTenant();
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 1 } });
    const mallory = parseAuditKeys(`mallory:${Buffer.alloc(32, 7).toString("base64")}`);
    await asSuperuser(handle, [`DELETE FROM "AuditHead" WHERE "tenantId" = $1`, tenant.id]);
    await db().auditHead.create({ data: signHead(mallory, { tenantId: tenant.id, seq: 1, hash: event.hash, signedAt: new Date() }) });
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: false, signedHead: { keyId: "mallory", valid: false }, broken: { reason: expect.stringMatching(/does not verify/) } });
  });
});

describe("verify against an auditor", () => {
  // The embedded database's one connection is what a transaction around the walk would hold.
  if (handle.kind === "embedded") it("does not hold the database's connection while it walks a long chain", async () => {
    const tenant = await seedTenant();
    // 4,000 events written as recordAudit would, in bulk, with the newest head signed.
    const [first] = await db().auditEvent.findMany({ where: { tenantId: tenant.id } });
    let prev = first.hash;
    const ids: string[] = [], seqs: number[] = [], times: string[] = [], prevs: string[] = [], hashes: string[] = [];
    for (let seq = 2; seq <= 4000; seq++) {
      const content: ChainedContent = { ...first, seq, action: "member.invited", resourceId: `m${seq}`, before: null, after: null, createdAt: new Date() };
      const hash = chainHash(prev, content);
      ids.push(`ev-${unique()}-${seq}`); seqs.push(seq); times.push(content.createdAt.toISOString()); prevs.push(prev); hashes.push(hash);
      prev = hash;
    }
    await db().$executeRawUnsafe(
      `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorLabel","action","resourceType","resourceId","createdAt","prevHash","hash")
       SELECT i, $6, s, $7::"ActorType", $8, 'member.invited', $9, 'm' || s, c::timestamptz, p, h FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(i, s, c, p, h)`,
      ids, seqs, times, prevs, hashes, tenant.id, first.actorType, first.actorLabel, first.resourceType,
    );
    await db().auditHead.create({ data: signHead(auditKeys(), { tenantId: tenant.id, seq: 4000, hash: prev, signedAt: new Date() }) });
    await db().$executeRawUnsafe(`UPDATE "Tenant" SET "auditSeq" = 4000 WHERE "id" = $1`, tenant.id);

    const order: string[] = [];
    const verifying = verifyAuditChain(db(), tenant.id).then((v) => (order.push("verify"), v));
    await sleep(1);
    // A console mutation meanwhile: it gets the connection between the walk's pages.
    await db().$transaction((tx) => recordAudit(tx, tenant.id, { type: "SYSTEM", id: null, label: "t" }, { ip: null, userAgent: null, requestId: null }, { action: "x", resourceType: "x" }));
    order.push("mutation");
    expect(await verifying).toMatchObject({ ok: true, checked: 4000 });
    expect(order).toEqual(["mutation", "verify"]);
  });

  it("runs one verification per tenant at a time, however many requests ask", async () => {
    const tenant = await seedTenant();
    await writeRecords(tenant.id, 2);
    const runs = Array.from({ length: 5 }, () => verifyTrails(db(), tenant.id));
    expect(new Set(runs).size).toBe(1);
    expect(await runs[0]).toMatchObject({ audit: { ok: true }, requests: { ok: true, unsealed: 2 } });
    expect(verifyTrails(db(), tenant.id)).not.toBe(runs[0]);
  });
});

/** Runs `fn` with the hardening migration's finish moved far forward, as the attacker would, then puts it back. */
async function withHardeningMovedForward(fn: () => Promise<void>) {
  const [{ at }] = await db().$queryRawUnsafe<{ at: string }[]>(`SELECT ${HARDENING_FINISHED}::text AS at`);
  const set = (value: string) => asSuperuser(handle, [`UPDATE "_prisma_migrations" SET "finished_at" = $1::timestamptz WHERE "migration_name" = '${HARDENING_MIGRATION}'`, value]);
  await set("2999-01-01T00:00:00Z");
  try {
    await fn();
  } finally {
    await set(at);
  }
}

async function hardeningTime(offset: string): Promise<string> {
  const [{ at }] = await db().$queryRawUnsafe<{ at: Date }[]>(`SELECT ${HARDENING_FINISHED} ${offset} AS at`);
  return at.toISOString();
}
