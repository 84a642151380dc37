import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedUser } from "@/lib/testing/factories";
import { seedApiKey, seedGatewayTenant, startTestGateway, useGatewayHarness, type TestGateway } from "@/lib/testing/gateway-factories";
import { mintConsoleToken } from "./console-token";
import { CONSOLE_RPM } from "./keys";

useTestDatabase();

// Every key of every tenant here is also under a tenant-wide limit of 5 requests a minute.
const harness = useGatewayHarness({ tenantRpm: 5 });

const hi = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }] });

/** A raw call, so that refusals' headers can be read as sent; the body is drained. */
async function call(gw: TestGateway, secret: string, model: string): Promise<{ status: number; limits: Record<string, string> }> {
  const res = await fetch(`${gw.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(hi(model)),
  });
  await res.text();
  return { status: res.status, limits: Object.fromEntries([...res.headers].filter(([name]) => name.startsWith("x-ratelimit-"))) };
}

describe("x-ratelimit-* headers, the way an attacker would read them", () => {
  it("are never sent before the caller is known: no key, a made-up key, a revoked key, a suspended tenant", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const revoked = await seedApiKey(s.tenant, { revokedAt: new Date() });
    const suspended = await seedGatewayTenant(harness.fake.baseUrl);
    await db().tenant.update({ where: { id: suspended.tenant.id }, data: { status: "SUSPENDED" } });
    expect(await call(harness.gateway, "", s.endpoint.name)).toEqual({ status: 401, limits: {} });
    expect(await call(harness.gateway, "keel_madeup", s.endpoint.name)).toEqual({ status: 401, limits: {} });
    expect(await call(harness.gateway, revoked.secret, s.endpoint.name)).toEqual({ status: 401, limits: {} });
    expect(await call(harness.gateway, suspended.secret, suspended.endpoint.name)).toEqual({ status: 403, limits: {} });
    // Nor for a model the key may not see: the limits are counted only once the endpoint is known.
    expect(await call(harness.gateway, s.secret, "no-such-model")).toEqual({ status: 404, limits: {} });
  });

  it("never show one tenant's traffic to another tenant's keys", async () => {
    const a = await seedGatewayTenant(harness.fake.baseUrl);
    const b = await seedGatewayTenant(harness.fake.baseUrl);
    for (let i = 0; i < 3; i++) expect((await call(harness.gateway, a.secret, a.endpoint.name)).status).toBe(200);
    const first = await call(harness.gateway, b.secret, b.endpoint.name);
    expect(first.limits).toMatchObject({ "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "4" });
  });

  it("show every key of a tenant the tenant-wide count, as OpenAI shows an organisation's limits to each of its keys", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 2 } });
    const sibling = await seedApiKey(s.tenant);
    // The key's own limit is the tighter one: that is what it is told.
    expect((await call(harness.gateway, s.secret, s.endpoint.name)).limits).toMatchObject({ "x-ratelimit-limit-requests": "2", "x-ratelimit-remaining-requests": "1" });
    expect((await call(harness.gateway, s.secret, s.endpoint.name)).limits).toMatchObject({ "x-ratelimit-remaining-requests": "0" });
    // The sibling has no limit of its own: it sees the tenant's, with the first key's calls counted
    // (accepted: the same tenant's traffic, and what a client needs to back off in time).
    expect((await call(harness.gateway, sibling.secret, s.endpoint.name)).limits).toMatchObject({ "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "2" });
  });

  it("never tell a key another key's own limit", async () => {
    const gw = await startTestGateway();
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 2, tokensPerMinute: 500 } });
      const sibling = await seedApiKey(s.tenant);
      expect((await call(gw, s.secret, s.endpoint.name)).limits).toMatchObject({ "x-ratelimit-limit-requests": "2", "x-ratelimit-limit-tokens": "500" });
      expect(await call(gw, sibling.secret, s.endpoint.name)).toEqual({ status: 200, limits: {} });
    } finally {
      await gw.close();
    }
  });
});

describe("the console's own calls", () => {
  it("count per tenant: a person's calls in one tenant never use up their allowance in another", async () => {
    const secret = "test-console-secret";
    const gw = await startTestGateway({ consoleSecret: secret });
    try {
      const a = await seedGatewayTenant(harness.fake.baseUrl);
      const b = await seedGatewayTenant(harness.fake.baseUrl);
      const user = await seedUser();
      const inA = () => mintConsoleToken({ tenantId: a.tenant.id, userId: user.id }, secret);
      const inB = () => mintConsoleToken({ tenantId: b.tenant.id, userId: user.id }, secret);
      for (let i = 0; i < CONSOLE_RPM; i++) expect((await call(gw, inA(), a.endpoint.name)).status).toBe(200);
      expect((await call(gw, inA(), a.endpoint.name)).status).toBe(429);
      const other = await call(gw, inB(), b.endpoint.name);
      expect(other.status).toBe(200);
      expect(other.limits).toMatchObject({ "x-ratelimit-limit-requests": String(CONSOLE_RPM), "x-ratelimit-remaining-requests": String(CONSOLE_RPM - 1) });
    } finally {
      await gw.close();
    }
  });
});
