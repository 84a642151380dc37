import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant, seedUser } from "@/lib/testing/factories";
import { COST_GROUPS, type CostGroup } from "./cost-ranges";
import { costReport } from "./costs";
import { fromUnits, toUnits } from "./money";
import { rollupTenant } from "./rollup";

const test = useTestDatabase();
const HOUR = 3_600_000;

describe("cost explorer", () => {
  it("groups a window's spend every way, each grouping adding up to the records' costs to the last digit, before and after the rollups", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const alice = await seedUser();
    const bob = await seedUser();
    const key = await db().apiKey.create({ data: { tenantId: tenant.id, name: "app", prefix: "keel_ab", secretHash: crypto.randomUUID(), createdById: alice.id } });
    const orphan = await db().apiKey.create({ data: { tenantId: tenant.id, name: "old", prefix: "keel_cd", secretHash: crypto.randomUUID() } });
    let i = 0;
    const row = (tenantId: string, extra: object) => ({
      id: crypto.randomUUID(), tenantId, route: "chat.completions", latencyMs: 20, status: 200, inputTokens: 10 + i, outputTokens: 5,
      costUsd: ((++i * 7919) % 10007 / 1e8 + 0.0001).toFixed(8), createdAt: new Date(Date.now() - (i % 100) * HOUR), ...extra,
    });
    const data = [
      ...Array.from({ length: 60 }, (_, j) => row(tenant.id, { apiKeyId: key.id, endpointId: "ep-1", modelVersionId: "v-1", endUser: ["u-a", "u-b", "=u-c"][j % 3] })),
      ...Array.from({ length: 30 }, () => row(tenant.id, { apiKeyId: orphan.id, endpointId: "ep-1", modelVersionId: "v-2" })),
      ...Array.from({ length: 20 }, () => row(tenant.id, { userId: bob.id, endpointId: "ep-2", modelVersionId: "v-3" })),
      ...Array.from({ length: 5 }, () => row(tenant.id, { apiKeyId: key.id, status: 404, costUsd: "0" })),
      ...Array.from({ length: 10 }, () => row(other.id, { apiKeyId: key.id, endpointId: "ep-1", modelVersionId: "v-1", endUser: "u-a" })),
    ];
    await db().requestRecord.createMany({ data });
    // All within the last 100 hours, so all in the 30-day window.
    const mine = data.filter((r) => r.tenantId === tenant.id);
    const want = fromUnits(mine.reduce((s, r) => s + toUnits(r.costUsd), 0n));

    for (const step of ["none", "part", "all"]) {
      if (step === "part") await rollupTenant(test.database.pool, tenant.id, { batchSize: 45, marginMs: 0 });
      if (step === "all") while (await rollupTenant(test.database.pool, tenant.id, { batchSize: 1000, marginMs: 0 }));
      for (const group of Object.keys(COST_GROUPS) as CostGroup[]) {
        const report = await costReport({ tenantId: tenant.id }, "30d", group);
        expect(report.total.cost).toBe(want);
        expect(report.total.requests).toBe(mine.length);
        expect(fromUnits(report.rows.reduce((s, r) => s + toUnits(r.cost), 0n))).toBe(want);
        expect(report.rows.reduce((s, r) => s + r.requests, 0)).toBe(mine.length);
        if (group === "user") {
          const byName = Object.fromEntries(report.rows.map((r) => [r.name, r.requests]));
          expect(byName).toEqual({ [alice.email]: 65, [bob.email]: 20, "(none)": 30 });
        }
        if (group === "version") expect(report.rows.map((r) => r.requests).sort()).toEqual([20, 30, 5, 60].sort());
        if (group === "endUser") {
          // Each end user's spend is exactly their records' (another tenant's "u-a" is not this one's).
          const spent = (u: string | undefined) => fromUnits(mine.filter((r) => (r as { endUser?: string }).endUser === u).reduce((s, r) => s + toUnits(r.costUsd), 0n));
          expect(Object.fromEntries(report.rows.map((r) => [r.name, [r.requests, r.cost]]))).toEqual({
            "u-a": [20, spent("u-a")], "u-b": [20, spent("u-b")], "=u-c": [20, spent("=u-c")], "(none)": [mine.length - 60, spent(undefined)],
          });
          // A page that lists two end users gets the costliest two, the third as one row after them, and still adds up.
          const short = await costReport({ tenantId: tenant.id }, "30d", group, Date.now(), 2);
          const ranked = report.rows.filter((r) => r.name !== "(none)").map((r) => r.name);
          expect(short.rows.map((r) => r.name).filter((n) => n !== "(none)")).toEqual([...ranked.slice(0, 2), "(1 more end user)"]);
          expect(short.rows.find((r) => r.name === "(1 more end user)")).toMatchObject({ requests: 20, cost: spent(ranked[2]) });
          expect(short.rows.find((r) => r.name === "(none)")).toMatchObject({ requests: mine.length - 60, cost: spent(undefined) });
          expect(fromUnits(short.rows.reduce((s, r) => s + toUnits(r.cost), 0n))).toBe(want);
        }
      }
    }
    // The other tenant's spend, under the same key id, is its own.
    const theirs = await costReport({ tenantId: other.id }, "30d", "key");
    expect(theirs.total.requests).toBe(10);
  });
});
