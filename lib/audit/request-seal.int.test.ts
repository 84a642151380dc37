import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { db, getDatabase } from "@/lib/db/client";
import { RecordWriter, recordInserter, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant, unique } from "@/lib/testing/factories";
import { RequestSealer } from "./request-sealer";
import { sealTenantRequests } from "./seal-requests";
import { asSuperuser, legacyTenant } from "./test-tamper";
import { verifyAuditChain } from "./verify";
import { verifyRequestRecords } from "./verify-requests";

const handle = useTestDatabase();
const writer = () => new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));

const row = (tenantId: string, i: number): RequestRecordRow => ({
  id: `req_${unique()}_${i}`, tenantId, apiKeyId: null, userId: null, endpointId: null, endpointName: "chat", modelVersionId: null,
  route: "chat.completions", stream: false, inputHash: null, inputTokens: 10 + i, outputTokens: 5, tokensEstimated: false,
  costUsd: (0.000123 * (i + 1)).toFixed(8), latencyMs: 20, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: new Date(),
});

/** Writes `n` records through the gateway's real record writer, in separate batches. */
async function writeRecords(tenantId: string, n: number, w = writer()) {
  const rows = Array.from({ length: n }, (_, i) => row(tenantId, i));
  for (const r of rows) await w.write(r);
  return rows;
}

/** Seals until nothing is ready (batches of `batchSize`); returns the seals' sizes. */
async function sealAll(tenantId: string, batchSize = 4) {
  await sleep(5); // records committed in this very millisecond wait for the next seal
  const sizes: number[] = [];
  for (;;) {
    const seal = await sealTenantRequests(getDatabase().pool, tenantId, { batchSize, marginMs: 0 });
    if (!seal) return sizes;
    sizes.push(seal.count);
  }
}

const recordIdsOf = async (tenantId: string) =>
  (await db().requestSeal.findMany({ where: { tenantId }, orderBy: { seq: "asc" } })).map((s) => s.recordIds);

describe("request record seals", () => {
  it("seals records in batches into the signed audit chain, and verifies them with the unsealed tail", async () => {
    const tenant = await seedTenant();
    const rows = await writeRecords(tenant.id, 10);
    expect(await sealAll(tenant.id)).toEqual([4, 4, 2]);
    await writeRecords(tenant.id, 3);
    // Each record in exactly one seal (in (insertedAt, id) order, which within a clock tick is not write order).
    expect((await recordIdsOf(tenant.id)).flat().sort()).toEqual(rows.map((r) => r.id).sort());
    const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id, action: "requests.sealed" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => (e.after as { count: number }).count)).toEqual([4, 4, 2]);
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: true, checked: 4, signedHead: { seq: 4, valid: true } });
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 10, seals: 3, unsealed: 3, legacy: 0, problem: null });
  });

  it("stores each field as signed, whatever characters it holds, in every canonical form, and verifies", async () => {
    const tenant = await seedTenant();
    const odd = `q"uote' back\\slash \t tab \u2028 line 👩‍💻 漢字 ${"é".repeat(40)}`;
    const rows: RequestRecordRow[] = [
      { ...row(tenant.id, 0), endpointName: odd, errorCode: "bad_\"code\\" },
      { ...row(tenant.id, 1), finishReason: "stop", inputHash: "9f".repeat(32), ttftMs: 0 },
      { ...row(tenant.id, 2), finishReason: null, routedVersionId: `v-${odd}`, stream: true, tokensEstimated: true },
      { ...row(tenant.id, 3), finishReason: "length", routedVersionId: null, endUser: `${odd}${"u".repeat(150)}`, costUsd: "-0.00000000" },
    ];
    const w = writer();
    await Promise.all(rows.map((r) => w.write(r))); // one batch
    const stored = await db().requestRecord.findMany({ where: { tenantId: tenant.id }, orderBy: { inputTokens: "asc" } });
    expect(stored.map((s) => [s.endpointName, s.errorCode, s.finishReason, s.routedVersionId, s.endUser, s.stream, s.tokensEstimated, s.ttftMs, s.costUsd.toFixed(8)])).toEqual([
      [odd, "bad_\"code\\", null, null, null, false, false, null, rows[0].costUsd],
      ["chat", null, "stop", null, null, false, false, 0, rows[1].costUsd],
      ["chat", null, null, `v-${odd}`, null, true, true, null, rows[2].costUsd],
      ["chat", null, "length", null, rows[3].endUser, false, false, null, "0.00000000"],
    ]);
    expect(stored.map((s) => s.createdAt.toISOString())).toEqual(rows.map((r) => (r.createdAt as Date).toISOString()));
    expect(await sealAll(tenant.id)).toEqual([4]);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 4, problem: null });
  });

  it("refuses a record it could not store as signed alone: the others in its batch are kept", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const w = writer();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const [half, beside] = await Promise.allSettled([w.write({ ...row(tenant.id, 0), endUser: "a\ud800" }), w.write(row(other.id, 1))]);
    errors.mockRestore();
    expect(half.status === "rejected" && String(half.reason)).toMatch(/endUser holds NUL or half a surrogate pair/);
    expect(beside.status).toBe("fulfilled");
    expect(await db().requestRecord.count({ where: { tenantId: { in: [tenant.id, other.id] } } })).toBe(1);
  });

  it("names an edited, a deleted and an inserted record in a seal, and a forged or MAC-less one after the last seal", async () => {
    const tenant = await seedTenant();
    const rows = await writeRecords(tenant.id, 8);
    expect(await sealAll(tenant.id)).toEqual([4, 4]);
    await writeRecords(tenant.id, 2);
    const [edited, deleted] = [rows[1], rows[5]];
    const seal2 = await db().requestSeal.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 2 } });
    const forgedMac = `test:${crypto.randomBytes(32).toString("hex")}`;
    const insert = (id: string, insertedAt: string, mac: string | null) => [
      `INSERT INTO "RequestRecord" ("id","tenantId","route","latencyMs","status","createdAt","insertedAt","mac") VALUES ($1,$2,'chat.completions',5,200,now(),$3::timestamptz,$4)`,
      id, tenant.id, insertedAt, mac,
    ] as [string, ...unknown[]];
    const [{ inside }] = await db().$queryRawUnsafe<{ inside: string }[]>(
      `SELECT ("insertedAt" + interval '1 microsecond')::text AS inside FROM "RequestRecord" WHERE "id" = $1`, seal2.firstId,
    );
    const [{ tail, tail2 }] = await db().$queryRawUnsafe<{ tail: string; tail2: string }[]>(
      `SELECT now()::text AS tail, (now() + interval '1 microsecond')::text AS tail2`,
    );
    await asSuperuser(
      handle,
      [`UPDATE "RequestRecord" SET "costUsd" = 0 WHERE "id" = $1`, edited.id],
      [`DELETE FROM "RequestRecord" WHERE "id" = $1`, deleted.id],
      insert("forged-in-seal", inside, forgedMac),
      insert("forged-tail", tail, forgedMac),
      insert("unsigned-tail", tail2, null),
    );
    const verdict = await verifyRequestRecords(db(), tenant.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.map((p) => [p.kind, p.recordId, p.sealSeq])).toEqual([
      ["edited", edited.id, 1],
      ["inserted", "forged-in-seal", 2],
      ["deleted", deleted.id, 2],
      ["edited", "forged-tail", null],
      ["unauthenticated", "unsigned-tail", null],
    ]);
    expect(verdict.problem?.reason).toMatch(new RegExp(`record ${edited.id} \\(in seal #1\\) was edited`));
    expect(verdict).toMatchObject({ seals: 2, unsealed: 4 });
    // The chain that carries the seals is itself intact.
    expect(await verifyAuditChain(db(), tenant.id)).toMatchObject({ ok: true });
  });

  it("finds a seal row altered or deleted behind the chain's back", async () => {
    const tenant = await seedTenant();
    await writeRecords(tenant.id, 6);
    expect(await sealAll(tenant.id, 3)).toEqual([3, 3]);
    // A record deleted and its id swapped out of the seal's list for a forged one: the list is chained too.
    const [sealed] = await recordIdsOf(tenant.id);
    await asSuperuser(
      handle,
      [`DELETE FROM "RequestRecord" WHERE "id" = $1`, sealed[0]],
      [`UPDATE "RequestSeal" SET "recordIds"[1] = 'forged' WHERE "tenantId" = $1 AND "seq" = 1`, tenant.id],
    );
    expect((await verifyRequestRecords(db(), tenant.id)).problems[0]).toMatchObject({ kind: "seal", sealSeq: 1, reason: expect.stringMatching(/altered/) });
    await asSuperuser(handle, [`UPDATE "RequestSeal" SET "root" = $2 WHERE "tenantId" = $1 AND "seq" = 1`, tenant.id, "0".repeat(64)]);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "seal", sealSeq: 1, reason: expect.stringMatching(/altered/) } });
    await asSuperuser(handle, [`DELETE FROM "RequestSeal" WHERE "tenantId" = $1 AND "seq" = 2`, tenant.id]);
    const verdict = await verifyRequestRecords(db(), tenant.id);
    expect(verdict.problems.filter((p) => p.kind === "seal").map((p) => p.reason)).toEqual([expect.stringMatching(/altered/), expect.stringMatching(/seal #2 .* is missing/)]);
  });

  it("accepts MAC-less records the hardening migration found, inside a seal, and no others", async () => {
    const tenant = await legacyTenant();
    await asSuperuser(handle, [
      `INSERT INTO "RequestRecord" ("id","tenantId","route","latencyMs","status","createdAt","insertedAt")
       VALUES ('legacy-1', $1, 'chat.completions', 5, 200, now(), (SELECT "finished_at" - interval '1 day' FROM "_prisma_migrations" WHERE "migration_name" = '20261203153607_hardening'))`,
      tenant.id,
    ]);
    await writeRecords(tenant.id, 3);
    expect(await sealAll(tenant.id)).toEqual([4]);
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 4, legacy: 1 });
    await asSuperuser(handle, [
      `INSERT INTO "RequestRecord" ("id","tenantId","route","latencyMs","status","createdAt","insertedAt")
       VALUES ('late-legacy', $1, 'chat.completions', 5, 200, now(), (SELECT "finished_at" - interval '1 hour' FROM "_prisma_migrations" WHERE "migration_name" = '20261203153607_hardening'))`,
      tenant.id,
    ]);
    // Old enough to look legacy, but inside the first seal's range without being listed there.
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: false, problem: { kind: "inserted", recordId: "late-legacy" } });
  });

  it("lets concurrent sealers take turns: seals never overlap or skip a record", async () => {
    const tenant = await seedTenant();
    const rows = await writeRecords(tenant.id, 30);
    await sleep(5);
    const runs = await Promise.all(Array.from({ length: 4 }, () => sealTenantRequests(getDatabase().pool, tenant.id, { batchSize: 7, marginMs: 0 })));
    expect(runs.filter(Boolean)).toHaveLength(4);
    await sealAll(tenant.id, 7);
    // Each record in exactly one seal (in (insertedAt, id) order, which within a clock tick is not write order).
    expect((await recordIdsOf(tenant.id)).flat().sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 30, seals: 5 });
  });

  it("seals on its own schedule and early under load, and anchors the heads in KEEL_HOME", async () => {
    const tenant = await seedTenant();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "keel-home-"));
    const sealer = new RequestSealer(getDatabase(), { home, intervalMs: 3_600_000, pendingThreshold: 5, marginMs: 0 });
    sealer.start();
    try {
      await writeRecords(tenant.id, 5);
      for (let i = 0; i < 200 && (await db().requestSeal.count({ where: { tenantId: tenant.id } })) === 0; i++) await sleep(25);
      await sealer.sealAll();
      expect((await db().requestSeal.findMany({ where: { tenantId: tenant.id } })).reduce((n, s) => n + s.count, 0)).toBe(5);
      expect(fs.readFileSync(path.join(home, "audit-signing.pub"), "utf8")).toMatch(/^test:[A-Za-z0-9+/=]{44}\n$/);
      const anchor = JSON.parse(fs.readFileSync(path.join(home, "heads", `${tenant.id}.json`), "utf8"));
      expect(anchor).toMatchObject({ tenantId: tenant.id, seq: (await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).auditSeq });
    } finally {
      await sealer.stop();
    }
  });

  it("refuses UPDATE, DELETE and TRUNCATE of records, seals and signed heads on the app's own connection", async () => {
    const tenant = await seedTenant();
    await writeRecords(tenant.id, 2);
    expect(await sealAll(tenant.id)).toEqual([2]);
    for (const table of ["RequestRecord", "RequestSeal", "AuditHead"]) {
      await expect(db().$executeRawUnsafe(`UPDATE "${table}" SET "tenantId" = "tenantId" WHERE "tenantId" = $1`, tenant.id)).rejects.toThrow(/append-only/);
      await expect(db().$executeRawUnsafe(`DELETE FROM "${table}" WHERE "tenantId" = $1`, tenant.id)).rejects.toThrow(/append-only/);
      await expect(db().$executeRawUnsafe(`TRUNCATE "${table}" CASCADE`)).rejects.toThrow(/append-only/);
    }
    expect(await verifyRequestRecords(db(), tenant.id)).toMatchObject({ ok: true, sealed: 2 });
  });
});
