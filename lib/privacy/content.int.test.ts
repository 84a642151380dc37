import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findRequestDetail } from "@/lib/audit/request-detail";
import { sealTenantRequests } from "@/lib/audit/seal-requests";
import { verifyTrails } from "@/lib/audit/verify-trails";
import { db, getDatabase } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, unique } from "@/lib/testing/factories";
import { seedEndpoint, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { setContentRetention } from "@/lib/tenancy/settings-actions";
import { findRequestContent } from "./data";
import { purgeExpiredContent } from "./purge";

useTestDatabase();
const harness = useGatewayHarness();

const DAY_MS = 86_400_000;
const SECRET = "My email is ann@example.org and my card is 4111 1111 1111 1111.";
const REDACTED = "My email is [EMAIL] and my card is [CARD].";

/** A gateway tenant whose owner has set its content storage through the settings action. */
async function seedTenantKeeping(days: number | null) {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  const owner = await seedMember(s.tenant, "OWNER");
  if (days !== null) {
    const r = await setContentRetention.runAs(callerFor(owner.user), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: String(days) });
    expect(r).toEqual({ ok: true, data: { contentRetentionDays: days } });
  }
  return { ...s, owner: owner.user, scope: { tenantId: s.tenant.id, userId: owner.user.id, role: "OWNER" as const } };
}

type Seeded = Awaited<ReturnType<typeof seedTenantKeeping>>;

async function chat(s: Seeded, content: string, opts: { stream?: boolean; requestId?: string } = {}): Promise<string> {
  const client = harness.gateway.client(s.secret);
  const headers = opts.requestId ? { "x-request-id": opts.requestId } : undefined;
  if (opts.stream) {
    const { data, response } = await client.chat.completions
      .create({ model: s.endpoint.name, messages: [{ role: "user", content }], stream: true }, { headers })
      .withResponse();
    for await (const chunk of data) void chunk;
    return response.headers.get("x-request-id")!;
  }
  const { response } = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content }] }, { headers }).withResponse();
  return response.headers.get("x-request-id")!;
}

/** Content is written just after its record commits; wait for the row. */
const storedContentOf = (id: string) =>
  vi.waitFor(async () => {
    const row = await db().requestContent.findUnique({ where: { id } });
    expect(row, `content of ${id}`).not.toBeNull();
    return row!;
  }, { timeout: 5_000, interval: 20 });

describe("privacy mode: content storage on", () => {
  it("stores a prompt and its answer redacted, JSON and streamed; after the retention the content is gone and the trail still verifies", async () => {
    const s = await seedTenantKeeping(30);
    const plain = await chat(s, SECRET);
    const streamed = await chat(s, SECRET, { stream: true });

    for (const id of [plain, streamed]) {
      const row = await storedContentOf(id);
      const record = await db().requestRecord.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ tenantId: s.tenant.id, input: `user: ${REDACTED}`, output: `echo: ${REDACTED}`, redactions: 4 });
      expect(row.expiresAt.getTime() - record.createdAt.getTime()).toBe(30 * DAY_MS);
      expect(JSON.stringify(row)).not.toMatch(/ann@example|4111/);
      expect(record.mac).toMatch(/^test:[0-9a-f]{64}$/);
      expect((await findRequestDetail(s.scope, id))?.content).toMatchObject({ kind: "stored", input: `user: ${REDACTED}`, output: `echo: ${REDACTED}` });
    }

    await sleep(5);
    expect(await sealTenantRequests(getDatabase().pool, s.tenant.id, { marginMs: 0 })).toMatchObject({ count: 2 });
    const before = await verifyTrails(db(), s.tenant.id);
    expect(before.audit).toMatchObject({ ok: true });
    expect(before.requests).toMatchObject({ ok: true, sealed: 2, unsealed: 0 });

    // A day short of the retention, nothing goes; past it, everything does.
    expect(await purgeExpiredContent(getDatabase().pool, new Date(Date.now() + 29 * DAY_MS))).toBe(0);
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect(await purgeExpiredContent(getDatabase().pool, later, 1)).toBe(2);
    expect(await db().requestContent.count({ where: { tenantId: s.tenant.id } })).toBe(0);
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id } })).toBe(2);
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: plain } });
    expect(await findRequestContent(s.scope, record, later)).toEqual({ kind: "purged", retentionDays: 30 });

    const after = await verifyTrails(db(), s.tenant.id);
    expect(after.audit).toMatchObject({ ok: true });
    expect(after.requests).toMatchObject({ ok: true, sealed: 2, unsealed: 0 });
  });

  it("stores an embeddings request's input, redacted", async () => {
    const s = await seedTenantKeeping(7);
    const { endpoint } = await seedEndpoint(s.tenant, s.provider, { name: `emb-${unique()}`, kind: "EMBEDDINGS", providerModel: "fake-embed" });
    const { response } = await harness.gateway.client(s.secret).embeddings.create({ model: endpoint.name, input: ["call +44 20 7946 0958", "plain"] }).withResponse();
    const row = await storedContentOf(response.headers.get("x-request-id")!);
    expect(row).toMatchObject({ input: "call [PHONE]\nplain", output: null, redactions: 1 });
  });

  it("keeps the content under the record's final id when a caller reuses a request id", async () => {
    const s = await seedTenantKeeping(1);
    const id = `reused-${unique()}`;
    await chat(s, "first ann@example.org", { requestId: id });
    await chat(s, "second", { requestId: id });
    const records = await db().requestRecord.findMany({ where: { tenantId: s.tenant.id }, orderBy: { insertedAt: "asc" } });
    expect(records.map((r) => r.id)).toEqual([id, expect.stringMatching(new RegExp(`^${id}~[0-9a-f]{8}$`))]);
    expect((await storedContentOf(records[0].id)).input).toBe("user: first [EMAIL]");
    expect((await storedContentOf(records[1].id)).input).toBe("user: second");
  });
});

describe("privacy mode: input hashes only", () => {
  it("stores nothing for a tenant that keeps hashes only, whatever another tenant does", async () => {
    const off = await seedTenantKeeping(null);
    const on = await seedTenantKeeping(30);
    const offIds = [await chat(off, SECRET), await chat(off, SECRET, { stream: true })];
    const onId = await chat(on, SECRET);
    // The writer stores content in order: once the later request's content is there, the earlier would be.
    await storedContentOf(onId);
    expect(await db().requestContent.count({ where: { tenantId: off.tenant.id } })).toBe(0);
    expect(await db().requestContent.count({ where: { id: { in: offIds } } })).toBe(0);
    expect(await db().requestRecord.count({ where: { id: { in: offIds } } })).toBe(2);
    expect((await findRequestDetail(off.scope, offIds[0]))?.content).toEqual({ kind: "hashes-only", storingNow: false });
  });

  it("takes a change of the setting at once, and stops storing when it is turned off", async () => {
    const s = await seedTenantKeeping(null);
    const before = await chat(s, SECRET); // the gateway now caches the tenant, hashes only
    expect((await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: "10" })).ok).toBe(true);
    const during = await chat(s, SECRET);
    expect((await storedContentOf(during)).expiresAt.getTime() - (await db().requestRecord.findUniqueOrThrow({ where: { id: during } })).createdAt.getTime()).toBe(10 * DAY_MS);
    expect((await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "hashes" })).ok).toBe(true);
    const after = await chat(s, SECRET);
    const other = await seedTenantKeeping(1);
    await storedContentOf(await chat(other, "flush"));
    expect((await db().requestContent.findMany({ where: { tenantId: s.tenant.id }, select: { id: true } })).map((r) => r.id)).toEqual([during]);
    expect((await findRequestDetail(s.scope, before))?.content).toEqual({ kind: "hashes-only", storingNow: false });
    expect((await findRequestDetail(s.scope, after))?.content).toEqual({ kind: "hashes-only", storingNow: false });

    const events = await db().auditEvent.findMany({ where: { tenantId: s.tenant.id, action: "tenant.content_retention_changed" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.before, e.after])).toEqual([
      [{ contentRetentionDays: null }, { contentRetentionDays: 10 }],
      [{ contentRetentionDays: 10 }, { contentRetentionDays: null }],
    ]);
  });
});

describe("the setting", () => {
  it("refuses roles that may not manage settings, and bad values with field errors, changing nothing", async () => {
    const s = await seedTenantKeeping(null);
    const snapshot = async () => ({
      tenant: await db().tenant.findUniqueOrThrow({ where: { id: s.tenant.id }, select: { contentRetentionDays: true, auditSeq: true } }),
      events: await db().auditEvent.count({ where: { tenantId: s.tenant.id } }),
    });
    const start = await snapshot();
    for (const role of ["DEVELOPER", "VIEWER", "AUDITOR", "APPROVER"] as const) {
      const { user } = await seedMember(s.tenant, role);
      const r = await setContentRetention.runAs(callerFor(user), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: "30" });
      expect(r, role).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
    }
    for (const days of ["0", "3651", "abc", "1.5", "-3"]) {
      const r = await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: days });
      expect(r, days).toMatchObject({ ok: false, fieldErrors: { contentRetentionDays: [expect.any(String)] } });
    }
    expect(await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content" })).toMatchObject({
      ok: false,
      fieldErrors: { contentRetentionDays: [expect.stringMatching(/1 to 3650/)] },
    });
    expect(await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "forever", contentRetentionDays: "5" })).toMatchObject({
      ok: false,
      fieldErrors: { mode: [expect.any(String)] },
    });
    expect(await snapshot()).toEqual(start);
    expect((await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: "3650" })).ok).toBe(true);
    expect((await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: "1" })).ok).toBe(true);
  });

  it("is checked by verify against the event that last set it: a change made in the database behind Keel's back is named", async () => {
    const s = await seedTenantKeeping(null);
    const settingsOf = async () => (await verifyTrails(db(), s.tenant.id)).settings;
    expect(await settingsOf()).toEqual({ ok: true, contentRetentionDays: null, problem: null });
    // Turned on unseen, the gateway would keep every prompt for whoever reads the database.
    await db().tenant.update({ where: { id: s.tenant.id }, data: { contentRetentionDays: 3650 } });
    const on = await verifyTrails(db(), s.tenant.id);
    expect(on.audit.ok).toBe(true);
    expect(on.settings).toMatchObject({ ok: false, contentRetentionDays: 3650, problem: { reason: expect.stringMatching(/kept for 3650 days in the database, but no event ever turned content storage on/) } });
    expect((await setContentRetention.runAs(callerFor(s.owner), { tenant: s.tenant.slug, mode: "content", contentRetentionDays: "30" })).ok).toBe(true);
    expect(await settingsOf()).toEqual({ ok: true, contentRetentionDays: 30, problem: null });
    await db().tenant.update({ where: { id: s.tenant.id }, data: { contentRetentionDays: 365 } });
    expect(await settingsOf()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/kept for 365 days in the database, but event #\d+ last set 30 days/) } });
    await db().tenant.update({ where: { id: s.tenant.id }, data: { contentRetentionDays: null } });
    expect(await settingsOf()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/input hashes only in the database, but event #\d+ last set 30 days/) } });
  });

  it("the database refuses a retention outside 1 to 3650 days, whoever writes it", async () => {
    const s = await seedTenantKeeping(null);
    for (const days of [0, 3651, -1]) {
      await expect(db().tenant.update({ where: { id: s.tenant.id }, data: { contentRetentionDays: days } }), String(days)).rejects.toThrow();
    }
  });
});

describe("a content write that fails", () => {
  // This file's own database refuses content holding the marker, after the record committed.
  beforeAll(async () => {
    await db().$executeRawUnsafe(`
      CREATE FUNCTION keel_test_refuse_content() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."input" LIKE '%refuse-this-content%' THEN RAISE EXCEPTION 'content refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER keel_test_refuse_content BEFORE INSERT ON "RequestContent" FOR EACH ROW EXECUTE FUNCTION keel_test_refuse_content()`);
  });
  afterAll(async () => {
    await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS keel_test_refuse_content ON "RequestContent"`).catch(() => {});
  });

  it("loses no record: the answer arrives, the record stays, the content is logged as lost", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const s = await seedTenantKeeping(30);
      const id = await chat(s, "refuse-this-content please");
      const next = await chat(s, "this one is fine");
      await storedContentOf(next);
      expect(await db().requestRecord.count({ where: { id } })).toBe(1);
      expect(await db().requestContent.count({ where: { id } })).toBe(0);
      expect((await findRequestDetail(s.scope, id))?.content).toEqual({ kind: "missing" });
      expect(errors.mock.calls.some((c) => String(c[0]).includes("could not store the content"))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });
});
