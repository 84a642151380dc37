import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import type { GatewayKey } from "./keys";
import { Limits } from "./limits";

let n = 0;
const keyWith = (limits: { requestsPerMinute?: number; tokensPerMinute?: number }, tenantId = `tenant-${++n}`): GatewayKey => ({
  id: `key-${++n}`,
  tenantId,
  userId: null,
  allowedEndpoints: null,
  requestsPerMinute: limits.requestsPerMinute ?? null,
  tokensPerMinute: limits.tokensPerMinute ?? null,
  expiresAt: null,
  revoked: false,
  tenant: { id: tenantId, slug: "t", suspended: false, monthlyBudgetUsd: null },
});
const memory = (tenantRpm: number | null = null, tenantTpm: number | null = null) => new Limits({ tenantRpm, tenantTpm, redis: null, prefix: "test" });

describe("Limits (in memory)", () => {
  it("admits exactly the limit under concurrency and answers the rest with 429 and retry-after", async () => {
    const limits = memory();
    const key = keyWith({ requestsPerMinute: 20 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => limits.admit(key, 0)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    const refusal = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toBeInstanceOf(GatewayError);
    expect(refusal.reason).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(Number(refusal.reason.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("gives a refused request's points back to the checks it passed", async () => {
    const limits = memory(null, 100);
    const a = keyWith({ tokensPerMinute: 1000 }, "shared");
    const b = keyWith({ tokensPerMinute: 50 }, "shared");
    const lease = await limits.admit(a, 90);
    // Refused by the tenant's allowance; b's own allowance must not keep the 20.
    await expect(limits.admit(b, 20)).rejects.toMatchObject({ status: 429, message: expect.stringMatching(/tenant/) });
    lease.settle(0);
    await new Promise((r) => setImmediate(r));
    await limits.admit(b, 50);
  });

  it("reserves the estimate and settles to real usage", async () => {
    const limits = memory();
    const key = keyWith({ tokensPerMinute: 100 });
    const lease = await limits.admit(key, 80);
    await expect(limits.admit(key, 30)).rejects.toMatchObject({ status: 429 });
    lease.settle(10);
    await new Promise((r) => setImmediate(r));
    await limits.admit(key, 30);
    await limits.admit(key, 60);
    await expect(limits.admit(key, 1)).rejects.toMatchObject({ status: 429 });
  });

  it("admits a request larger than a whole minute into an empty window, then charges it in full", async () => {
    const limits = memory();
    const key = keyWith({ tokensPerMinute: 50 });
    const lease = await limits.admit(key, 500);
    lease.settle(400);
    await new Promise((r) => setImmediate(r));
    await expect(limits.admit(key, 1)).rejects.toMatchObject({ status: 429 });
  });
});
