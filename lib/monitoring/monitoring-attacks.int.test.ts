import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { acknowledgeAlert } from "./alerts/actions";
import { listAlerts } from "./alerts/data";
import { costReport } from "./costs";
import { usageBreakdown, usageSeries } from "./data";
import { setDriftReference } from "./drift/actions";
import { findVersionDrift } from "./drift/data";
import { inputVectors } from "./drift/inputs";
import { compareCategories } from "./drift/stats";
import { rollupTenant } from "./rollup";

const test = useTestDatabase();

const record = (tenantId: string, over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(), tenantId, route: "chat.completions", latencyMs: 5, status: 200, costUsd: "0.00000100", createdAt: new Date(), ...over,
});
const rollAll = async (tenantId: string, batchSize = 1000) => {
  while (await rollupTenant(test.database.pool, tenantId, { batchSize, marginMs: 0 }));
};

describe("rollups against a provider's own strings", () => {
  it("count a finish reason or error code named like an object's own property as any other, and keep rolling up after it", async () => {
    const tenant = await seedTenant();
    // The gateway keeps a provider's short lower-case finish reason and its 4xx error code by name.
    const names = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
    const batch = () => [
      ...names.map((n) => record(tenant.id, { endpointId: "ep", modelVersionId: "v1", finishReason: n })),
      ...names.map((n) => record(tenant.id, { endpointId: "ep", modelVersionId: "v1", status: 400, errorCode: n })),
    ];
    await db().requestRecord.createMany({ data: batch() });
    await rollAll(tenant.id);
    // A second batch merges into the same rows in the database.
    await db().requestRecord.createMany({ data: batch() });
    await rollAll(tenant.id);
    expect(Number((await db().rollupCursor.findUniqueOrThrow({ where: { tenantId: tenant.id } })).records)).toBe(4 * names.length);
    const [row] = await db().$queryRawUnsafe<{ codes: Record<string, unknown>; finishes: Record<string, unknown>; errors: number }[]>(
      `SELECT "errorCodes" AS "codes", "finishReasons" AS "finishes", "errors" FROM "UsageRollup"
       WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`, tenant.id);
    const total = (counts: Record<string, unknown>) => Object.values(counts).reduce<number>((s, n) => s + (typeof n === "number" ? n : Number.NaN), 0);
    expect(total(row.codes)).toBe(2 * names.length);
    expect(total(row.finishes)).toBe(2 * names.length);
    expect(row.codes.constructor).toBe(2);
    expect(row.finishes.toString).toBe(2);
    // The chart's totals read them back as counts too, records not yet rolled up included.
    await db().requestRecord.createMany({ data: [record(tenant.id, { status: 400, errorCode: "constructor" })] });
    const series = await usageSeries({ tenantId: tenant.id }, "24h");
    expect(series.totals.errorCodes.constructor).toBe(3);
    expect(Object.values(series.totals.errorCodes).every((n) => typeof n === "number")).toBe(true);
    // Drift compares such a reason as a category of its own, not as a number read off the prototype.
    const finding = compareCategories({ stop: 300 }, { stop: 150, constructor: 150 });
    expect(finding.psi).toBeGreaterThan(0.25);
    expect(finding.drifted).toBe(true);
  });
});

const DAY = 86_400_000;

/** A tenant with an endpoint, a version, a key, traffic over the last days (rolled up and not), an alert and input samples. */
async function busyTenant() {
  const tenant = await seedTenant();
  const provider = await db().provider.create({ data: { tenantId: tenant.id, name: "p", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const endpoint = await db().endpoint.create({ data: { tenantId: tenant.id, name: "their-chat", kind: "CHAT" } });
  const version = await db().modelVersion.create({ data: { tenantId: tenant.id, endpointId: endpoint.id, label: "v1", providerId: provider.id, providerModel: "m" } });
  const key = await db().apiKey.create({ data: { tenantId: tenant.id, name: "their-key", prefix: "keel_t", secretHash: crypto.randomUUID() } });
  const now = Date.now();
  const traffic = (n: number, from: number) => Array.from({ length: n }, (_, i) => record(tenant.id, {
    endpointId: endpoint.id, modelVersionId: version.id, apiKeyId: key.id, costUsd: "0.25000000", outputTokens: 40, finishReason: "stop",
    createdAt: new Date(from + ((i * 997) % DAY)),
  }));
  await db().requestRecord.createMany({ data: [...traffic(300, now - 9 * DAY), ...traffic(300, now - DAY - 3_600_000)] });
  await rollAll(tenant.id);
  await db().requestRecord.createMany({ data: traffic(5, now - 60_000) });
  const alert = await db().alert.create({
    data: { tenantId: tenant.id, kind: "COST_ANOMALY", severity: "WARNING", subjectType: "tenant", subjectId: tenant.id, title: "Their spend jumped", details: {}, dedupeKey: "anomaly:theirs" },
  });
  const unit = Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0));
  await db().inputSample.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      id: crypto.randomUUID(), tenantId: tenant.id, versionId: version.id, createdAt: new Date(now - (i % 2 ? 9 : 1) * DAY), expiresAt: new Date(now + DAY), embedding: unit,
    })),
  });
  return { tenant, endpoint, version, key, alert };
}

describe("another tenant's monitoring, by id", () => {
  it("reads none of its traffic, spend, drift, alerts or input samples, and changes none of its drift reference or alerts", async () => {
    const them = await busyTenant();
    const us = await seedTenant();
    const { user: owner } = await seedMember(us, "OWNER");
    const ctx = { tenantId: us.id };
    // Their figures are there to be found: their own reads see them.
    expect((await usageSeries({ tenantId: them.tenant.id }, "7d")).totals.requests).toBeGreaterThan(0);
    expect((await inputVectors(db(), them.tenant.id, them.version.id, Date.now() - 10 * DAY, Date.now())).length).toBe(60);
    expect((await findVersionDrift({ tenantId: them.tenant.id }, them.version.id)).drift?.metrics.inputs.reference).toBe(30);
    expect((await costReport({ tenantId: them.tenant.id }, "30d", "key")).rows[0].name).toMatch(/their-key/);

    for (const filter of [{ endpointId: them.endpoint.id }, { endpointId: them.endpoint.id, versionId: them.version.id }, { apiKeyId: them.key.id }]) {
      for (const range of ["24h", "7d", "90d"] as const) {
        const series = await usageSeries(ctx, range, filter);
        expect(series.totals.requests, JSON.stringify({ filter, range })).toBe(0);
        expect(series.totals.cost).toBe("0.00000000");
      }
    }
    expect(await usageBreakdown(ctx, "7d", "endpoint")).toEqual([]);
    expect(await usageBreakdown(ctx, "7d", "key")).toEqual([]);
    for (const group of ["endpoint", "version", "key", "user", "day"] as const) {
      const report = await costReport(ctx, "30d", group);
      expect(report.total.cost, group).toBe("0.00000000");
      expect(JSON.stringify(report.rows)).not.toMatch(/their-|0\.25/);
    }
    const drift = await findVersionDrift(ctx, them.version.id);
    expect(drift.drift).toBeNull();
    expect(drift.series).toEqual({ reference: null, points: [] });
    expect(await inputVectors(db(), us.id, them.version.id, Date.now() - 10 * DAY, Date.now())).toEqual([]);
    expect((await listAlerts(ctx, { all: true, page: 1 })).total).toBe(0);

    // Their ids under our own tenant, where we are owner: not found, and nothing of theirs changes.
    const before = await db().modelVersion.findUniqueOrThrow({ where: { id: them.version.id } });
    const pin = await setDriftReference.runAs(callerFor(owner), { tenant: us.slug, endpointId: them.endpoint.id, versionId: them.version.id, from: "2026-01-01", to: "2026-01-03" });
    expect(pin).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: them.version.id } })).toEqual(before);
    expect(await acknowledgeAlert.runAs(callerFor(owner), { tenant: us.slug, alertId: them.alert.id })).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    expect((await db().alert.findUniqueOrThrow({ where: { id: them.alert.id } })).acknowledgedAt).toBeNull();
  });
});
