import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { gatewaySummary } from "./data";

useTestDatabase();

const record = (tenantId: string, latencyMs: number, status: number, costUsd: number, createdAt = new Date()) => ({
  id: crypto.randomUUID(), tenantId, route: "chat.completions", latencyMs, status, costUsd, createdAt,
});

describe("gateway summary", () => {
  it("counts only the tenant's records in the window", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const latencies = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    await db().requestRecord.createMany({
      data: [
        ...latencies.map((ms, i) => record(tenant.id, ms, i < 3 ? 502 : 200, 0.001)),
        record(tenant.id, 9999, 500, 5, new Date(Date.now() - 48 * 3600_000)),
        record(other.id, 9999, 500, 5),
      ],
    });
    const s = await gatewaySummary({ tenantId: tenant.id }, new Date(Date.now() - 24 * 3600_000));
    expect(s).toMatchObject({ requests: 20, errors: 3 });
    expect(s.p95Ms).toBe(191);
    expect(s.costUsd).toBeCloseTo(0.02, 8);
  });
});
