import { describe, expect, it, vi } from "vitest";
import type { JobQueue } from "@/lib/jobs/queue";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { driftAlerts } from "../drift/versions";
import { AlertJobs } from "./alert-jobs";

vi.mock("../drift/versions", async (original) => {
  const actual = await original<typeof import("../drift/versions")>();
  return { ...actual, driftAlerts: vi.fn(actual.driftAlerts) };
});

const test = useTestDatabase();
const HOUR = 3_600_000;

describe("the alert check on the shared connection", () => {
  it("reads each tenant's drift once an hour however often the check runs", async () => {
    const tenants = [await seedTenant(), await seedTenant()];
    const jobs = new AlertJobs(test.database, { send: async () => {} } as unknown as JobQueue, createOutboundPolicy(""));
    const checked = vi.mocked(driftAlerts);
    checked.mockClear();
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    for (const minute of [1, 2, 30, 59]) await jobs.evaluateAll(hour + minute * 60_000);
    const times = (id: string) => checked.mock.calls.filter(([, tenantId]) => tenantId === id).length;
    for (const t of tenants) expect(times(t.id)).toBe(1);
    await jobs.evaluateAll(hour + HOUR + 60_000);
    for (const t of tenants) expect(times(t.id)).toBe(2);
  });
});
