import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { UNSEALED_SQL, sealTenantRequests, tenantsWithUnsealedRecords } from "@/lib/audit/seal-requests";
import { JobQueue } from "@/lib/jobs/queue";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { usageBreakdown, usageSeries } from "./data";
import { rangeWindow } from "./ranges";
import { addValue, histogramLiteral, quantile } from "./histogram";
import { PENDING_ROLLUPS_SQL, rollupTenant, tenantsWithPendingRollups } from "./rollup";
import { UsageRollups } from "./usage-rollups";

const test = useTestDatabase();
const HOUR = 3_600_000;

let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

/** Records spread over three days, across endpoints, versions and keys, some failing, some streamed. */
function records(tenantId: string, n: number, now = Date.now()) {
  return Array.from({ length: n }, () => {
    const endpoint = pick(["ep-a", "ep-b", null]);
    const apiKeyId = pick(["key-1", "key-2", null]);
    const status = pick([200, 200, 200, 200, 429, 502]);
    const stream = random() < 0.5;
    return {
      id: crypto.randomUUID(), tenantId, route: "chat.completions",
      endpointId: endpoint, modelVersionId: endpoint ? pick([`${endpoint}-v1`, `${endpoint}-v2`]) : null,
      apiKeyId, userId: apiKeyId ? null : pick(["user-1", null]), status, errorCode: status === 429 ? "rate_limited" : null,
      inputTokens: Math.floor(random() * 500), outputTokens: Math.floor(random() * 300),
      costUsd: (random() / 100).toFixed(8), latencyMs: Math.floor(5 + random() * 3000), ttftMs: stream ? Math.floor(random() * 400) : null,
      createdAt: new Date(now - Math.floor(random() * 72 * HOUR)), endUser: pick(["end-1", "end-2", "end-1", null]),
    };
  });
}

async function rollAll(tenantId: string, batchSize: number) {
  while (await rollupTenant(test.database.pool, tenantId, { batchSize, marginMs: 0 }));
}

type Sum = { requests: number; errors: number; input: string; output: string; cost: string };
const sums = (where: string, ...values: unknown[]) =>
  db().$queryRawUnsafe<Sum[]>(`SELECT count(*)::int AS requests, (count(*) FILTER (WHERE "status" >= 400))::int AS errors,
    sum("inputTokens")::text AS input, sum("outputTokens")::text AS output, sum("costUsd")::text AS cost FROM "RequestRecord" WHERE ${where}`, ...values);
const rolled = (where: string, ...values: unknown[]) =>
  db().$queryRawUnsafe<Sum[]>(`SELECT sum("requests")::int AS requests, sum("errors")::int AS errors,
    sum("inputTokens")::text AS input, sum("outputTokens")::text AS output, sum("costUsd")::text AS cost FROM "UsageRollup" WHERE ${where}`, ...values);

describe("finding tenants with work pending", () => {
  // A plan made while the records table is empty and has no statistics (a fresh install; the
  // embedded database never gathers them) must still seek each tenant's first pending record: a
  // plan that scans the table costs more with every record. First in this file, so the table is
  // as a fresh install has it.
  it("probes the records' index for each tenant, even in a plan made while the table was empty", async () => {
    expect(await db().requestRecord.count()).toBe(0);
    const client = await test.database.pool.connect();
    try {
      for (const [name, sql] of [["pending_rollups", PENDING_ROLLUPS_SQL], ["unsealed", UNSEALED_SQL]]) {
        await client.query(`PREPARE ${name} AS ${sql}`);
        const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE ${name}`);
        await client.query(`DEALLOCATE ${name}`);
        const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
        expect(plan, name).toMatch(/Index (Only )?Scan using "RequestRecord_tenantId_insertedAt_id_idx"/);
        // A seek from the cursor, not a filter over the tenant's every record, and nothing sorted.
        expect(plan, name).toMatch(/Index Cond: .*ROW\("insertedAt", id\) > ROW\(/);
        expect(plan, name).not.toMatch(/Seq Scan on "RequestRecord"|Sort Key: r\./);
      }
    } finally {
      client.release();
    }
  });
});

describe("usage rollups", () => {
  it("sum to the records in every grain and grouping, costs to the last digit, in batches", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const data = records(tenant.id, 600);
    await db().requestRecord.createMany({ data: [...data, ...records(other.id, 50)] });
    await rollAll(tenant.id, 97);

    for (const grain of ["HOUR", "DAY"]) {
      expect(await rolled(`"tenantId" = $1 AND "grain" = $2::"RollupGrain" AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`, tenant.id, grain))
        .toEqual(await sums(`"tenantId" = $1`, tenant.id));
      for (const ep of ["ep-a", "ep-b"]) {
        expect(await rolled(`"tenantId" = $1 AND "grain" = $2::"RollupGrain" AND "endpointId" = $3 AND "versionId" = ''`, tenant.id, grain, ep))
          .toEqual(await sums(`"tenantId" = $1 AND "endpointId" = $2`, tenant.id, ep));
        expect(await rolled(`"tenantId" = $1 AND "grain" = $2::"RollupGrain" AND "versionId" = $3`, tenant.id, grain, `${ep}-v2`))
          .toEqual(await sums(`"tenantId" = $1 AND "modelVersionId" = $2`, tenant.id, `${ep}-v2`));
      }
      expect(await rolled(`"tenantId" = $1 AND "grain" = $2::"RollupGrain" AND "apiKeyId" = 'key-1'`, tenant.id, grain))
        .toEqual(await sums(`"tenantId" = $1 AND "apiKeyId" = 'key-1'`, tenant.id));
      expect(await rolled(`"tenantId" = $1 AND "grain" = $2::"RollupGrain" AND "userId" = 'user-1'`, tenant.id, grain))
        .toEqual(await sums(`"tenantId" = $1 AND "userId" = 'user-1'`, tenant.id));
    }
    // End users (the request's `user` field) have their own day table, which adds up the same way.
    for (const endUser of ["end-1", "end-2"]) {
      const [spent] = await db().$queryRawUnsafe<Sum[]>(`SELECT sum("requests")::int AS requests, sum("errors")::int AS errors,
        sum("inputTokens")::text AS input, sum("outputTokens")::text AS output, sum("costUsd")::text AS cost FROM "EndUserRollup" WHERE "tenantId" = $1 AND "endUser" = $2`, tenant.id, endUser);
      expect([spent]).toEqual(await sums(`"tenantId" = $1 AND "endUser" = $2`, tenant.id, endUser));
      expect(spent.requests).toBeGreaterThan(100);
    }
    // Minutes are kept for 48 hours only; within them they add up too.
    const cutoff = new Date(Date.now() - 47 * HOUR);
    expect(await rolled(`"tenantId" = $1 AND "grain" = 'MINUTE' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = '' AND "bucket" >= date_trunc('minute', $2::timestamptz)`, tenant.id, cutoff))
      .toEqual(await sums(`"tenantId" = $1 AND "createdAt" >= date_trunc('minute', $2::timestamptz)`, tenant.id, cutoff));
    const [{ oldest }] = await db().$queryRawUnsafe<{ oldest: Date }[]>(`SELECT min("bucket") AS oldest FROM "UsageRollup" WHERE "tenantId" = $1 AND "grain" = 'MINUTE'`, tenant.id);
    expect(oldest.getTime()).toBeGreaterThan(Date.now() - 49 * HOUR);

    // The day's histograms are the histograms of its records, bucket for bucket.
    const [day] = await db().$queryRawUnsafe<{ latency: bigint[]; ttft: bigint[]; codes: Record<string, number>; bucket: Date }[]>(
      `SELECT "latency", "ttft", "errorCodes" AS "codes", "bucket" FROM "UsageRollup" WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = '' ORDER BY "bucket" DESC LIMIT 1`, tenant.id);
    const ofDay = data.filter((r) => r.createdAt.getTime() >= day.bucket.getTime() && r.createdAt.getTime() < day.bucket.getTime() + 24 * HOUR);
    const latency: number[] = [];
    const ttft: number[] = [];
    for (const r of ofDay) {
      addValue(latency, r.latencyMs);
      if (r.ttftMs !== null) addValue(ttft, r.ttftMs);
    }
    expect(histogramLiteral(day.latency.map(Number))).toBe(histogramLiteral(latency));
    expect(histogramLiteral(day.ttft.map(Number))).toBe(histogramLiteral(ttft));
    expect(day.codes).toEqual({
      ...(ofDay.some((r) => r.status === 429) ? { rate_limited: ofDay.filter((r) => r.status === 429).length } : {}),
      ...(ofDay.some((r) => r.status === 502) ? { http_502: ofDay.filter((r) => r.status === 502).length } : {}),
    });

    // Another tenant's records are in neither the tenant's rollups nor its cursor.
    expect(await db().usageRollup.count({ where: { tenantId: other.id } })).toBe(0);
    expect(Number((await db().rollupCursor.findUniqueOrThrow({ where: { tenantId: tenant.id } })).records)).toBe(600);
  });

  it("counts each record once when several rollups run at once, and again nothing when run again", async () => {
    const tenant = await seedTenant();
    await db().requestRecord.createMany({ data: records(tenant.id, 400) });
    await Promise.all(Array.from({ length: 4 }, () => rollAll(tenant.id, 25)));
    await rollAll(tenant.id, 25);
    expect(await rolled(`"tenantId" = $1 AND "grain" = 'DAY' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`, tenant.id))
      .toEqual(await sums(`"tenantId" = $1`, tenant.id));
  });

  it("serves a range's series from the rollups: totals equal the records in the window", async () => {
    const tenant = await seedTenant();
    const now = Date.now();
    await db().requestRecord.createMany({ data: records(tenant.id, 300, now) });
    // Before any rollup, part way, and after: the records the rollups have not reached are added, none twice.
    for (const step of ["none", "part", "all"]) {
      if (step === "part") await rollupTenant(test.database.pool, tenant.id, { batchSize: 120, marginMs: 0 });
      if (step === "all") await rollAll(tenant.id, 1000);
      const series = await usageSeries({ tenantId: tenant.id }, "24h", {}, now);
      const [want] = await sums(`"tenantId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3`, tenant.id, new Date(series.from), new Date(series.to));
      expect(series.points).toHaveLength(96);
      expect(series.totals).toMatchObject({ requests: want.requests, errors: want.errors, cost: want.cost });
      expect(series.points.reduce((s, p) => s + p.requests, 0)).toBe(want.requests);
      const latencies = (await db().requestRecord.findMany({ where: { tenantId: tenant.id, createdAt: { gte: new Date(series.from) } }, select: { latencyMs: true } })).map((r) => r.latencyMs);
      const h: number[] = [];
      latencies.forEach((v) => addValue(h, v));
      expect(series.totals.p95).toBeCloseTo(quantile(h, 0.95)!, 1);
      const ep = await usageSeries({ tenantId: tenant.id }, "24h", { endpointId: "ep-a", versionId: "ep-a-v1" }, now);
      const [epWant] = await sums(`"tenantId" = $1 AND "modelVersionId" = 'ep-a-v1' AND "createdAt" >= $2`, tenant.id, new Date(series.from));
      expect(ep.totals.requests).toBe(epWant.requests);
    }
    const byKey = await usageSeries({ tenantId: tenant.id }, "7d", { apiKeyId: "key-2" }, now);
    const [keyWant] = await sums(`"tenantId" = $1 AND "apiKeyId" = 'key-2' AND "createdAt" >= $2`, tenant.id, new Date(byKey.from));
    expect(byKey.totals.requests).toBe(keyWant.requests);
    // Another tenant asking for the same grouping sees nothing of this one.
    const stranger = await seedTenant();
    expect((await usageSeries({ tenantId: stranger.id }, "7d", { apiKeyId: "key-2" }, now)).totals.requests).toBe(0);
  });

  it("keeps up through the job queue on the database's own connection", async () => {
    const tenant = await seedTenant();
    const queue = await JobQueue.start(test.database.pool);
    const rollups = new UsageRollups(test.database.pool, queue, { marginMs: 0, sweepMs: 200, nudgeMs: 100 });
    await rollups.start();
    try {
      await db().requestRecord.createMany({ data: records(tenant.id, 250) });
      const deadline = Date.now() + 30_000;
      let done = 0;
      while (Date.now() < deadline && done < 250) {
        await new Promise((r) => setTimeout(r, 200));
        done = Number((await db().rollupCursor.findUnique({ where: { tenantId: tenant.id } }))?.records ?? 0);
      }
      expect(done).toBe(250);
    } finally {
      await rollups.stop();
      await queue.stop();
    }
  });
});

describe("usage breakdowns", () => {
  it("add up to the records for 24 hours, 7 and 30 days, by endpoint and by key", async () => {
    const tenant = await seedTenant();
    await db().requestRecord.createMany({ data: records(tenant.id, 500) });
    await rollAll(tenant.id, 500);
    for (const range of ["24h", "7d", "30d"] as const) {
      const { from, to } = rangeWindow(range);
      for (const [by, column] of [["endpoint", "endpointId"], ["key", "apiKeyId"]] as const) {
        const shares = await usageBreakdown({ tenantId: tenant.id }, range, by);
        const want = await db().$queryRawUnsafe<{ id: string; requests: number; cost: string }[]>(
          `SELECT "${column}" AS id, count(*)::int AS requests, sum("costUsd")::text AS cost FROM "RequestRecord"
           WHERE "tenantId" = $1 AND "${column}" IS NOT NULL AND "createdAt" >= $2 AND "createdAt" < $3 GROUP BY 1`, tenant.id, new Date(from), new Date(to));
        expect(want.length).toBeGreaterThan(1);
        expect(shares.map((x) => [x.id, x.requests, x.cost]).sort(), `${range} by ${by}`).toEqual(want.map((w) => [w.id, w.requests, w.cost]).sort());
      }
    }
  });
});

describe("usage rollups after traffic stops", () => {
  it("count the last records, held back by the margin, within moments rather than at the next sweep", async () => {
    const tenant = await seedTenant();
    const queue = await JobQueue.start(test.database.pool);
    await db().requestRecord.createMany({ data: records(tenant.id, 40) });
    // The first run comes at once and finds the records too young; no commit follows, and the sweep is a minute away.
    const rollups = new UsageRollups(test.database.pool, queue, { marginMs: 1500, sweepMs: 60_000, nudgeMs: 100 });
    await rollups.start();
    try {
      const deadline = Date.now() + 15_000;
      let done = 0;
      while (Date.now() < deadline && done < 40) {
        await new Promise((r) => setTimeout(r, 200));
        done = Number((await db().rollupCursor.findUnique({ where: { tenantId: tenant.id } }))?.records ?? 0);
      }
      expect(done).toBe(40);
    } finally {
      await rollups.stop();
      await queue.stop();
    }
  });
});

describe("usage rollups under hostile error codes", () => {
  it("keep at most 32 codes by name per row, the rest as other, with the counts intact", async () => {
    const tenant = await seedTenant();
    const data = Array.from({ length: 300 }, (_, i) => ({
      id: crypto.randomUUID(), tenantId: tenant.id, route: "chat.completions", latencyMs: 5, status: 400, errorCode: `code_${i % 150}_${"x".repeat(40)}`, createdAt: new Date(),
    }));
    // Two batches, so the database merges two bounded objects too.
    await db().requestRecord.createMany({ data: data.slice(0, 150) });
    await rollAll(tenant.id, 100);
    await db().requestRecord.createMany({ data: data.slice(150) });
    await rollAll(tenant.id, 100);
    const [row] = await db().$queryRawUnsafe<{ codes: Record<string, number>; errors: number }[]>(
      `SELECT "errorCodes" AS "codes", "errors" FROM "UsageRollup" WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`, tenant.id);
    expect(Object.keys(row.codes).length).toBeLessThanOrEqual(33);
    expect(Object.values(row.codes).reduce((s, n) => s + Number(n), 0)).toBe(300);
    expect(row.errors).toBe(300);
    expect(row.codes.other).toBeGreaterThan(0);
  });
});

describe("tenants with work pending", () => {
  it("are those with records after their rollup cursor or their last seal, each once", async () => {
    const [idle, done, behind, fresh] = [await seedTenant(), await seedTenant(), await seedTenant(), await seedTenant()];
    await db().requestRecord.createMany({ data: [...records(done.id, 5), ...records(behind.id, 5), ...records(fresh.id, 5)] });
    for (const t of [done, behind]) {
      await rollAll(t.id, 100);
      while (await sealTenantRequests(test.database.pool, t.id, { marginMs: 0 }));
    }
    await db().requestRecord.createMany({ data: records(behind.id, 3) });
    const expected = [behind.id, fresh.id].sort();
    expect((await tenantsWithPendingRollups(test.database.pool)).filter((id) => [idle.id, done.id, ...expected].includes(id)).sort()).toEqual(expected);
    expect((await tenantsWithUnsealedRecords(db())).filter((id) => [idle.id, done.id, ...expected].includes(id)).sort()).toEqual(expected);
  });
});
