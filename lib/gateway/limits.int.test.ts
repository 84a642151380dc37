import crypto from "node:crypto";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedApiKey, seedGatewayTenant, startTestGateway, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

const hi = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user" as const, content: "hi" }], ...extra });

/** Settles every call: how many succeeded, and the errors of the rest. */
async function outcomes(calls: Promise<unknown>[]) {
  const results = await Promise.allSettled(calls);
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  return { ok: results.length - errors.length, errors };
}

describe("rate limits", () => {
  it("refuses a key past its requests per minute with 429 rate_limit_exceeded and retry-after, and records it", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 3 } });
    const client = harness.gateway.client(s.secret);
    for (let i = 0; i < 3; i++) await client.chat.completions.create(hi(s.endpoint.name));
    const error = await client.chat.completions.create(hi(s.endpoint.name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.code).toBe("rate_limit_exceeded");
    expect(Number(e.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(e.headers?.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(harness.fake.requests).toHaveLength(3);
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: e.headers!.get("x-request-id")! } });
    expect(record).toMatchObject({ status: 429, errorCode: "rate_limit_exceeded", attempts: 0, endpointId: s.endpoint.id });
  });

  it("tells the caller its limits in OpenAI's x-ratelimit-* headers, streamed or not, and on the 429", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 3, tokensPerMinute: 1000 } });
    const client = harness.gateway.client(s.secret);
    const first = await client.chat.completions.create(hi(s.endpoint.name, { max_tokens: 40 })).withResponse();
    expect(Object.fromEntries([...first.response.headers].filter(([name]) => name.startsWith("x-ratelimit-")))).toEqual({
      "x-ratelimit-limit-requests": "3",
      "x-ratelimit-remaining-requests": "2",
      "x-ratelimit-reset-requests": expect.stringMatching(/^(\d+m)?[\d.]+m?s$/),
      "x-ratelimit-limit-tokens": "1000",
      // The request's tokens as reserved: 2 of prompt and its max_tokens of 40.
      "x-ratelimit-remaining-tokens": "958",
      "x-ratelimit-reset-tokens": expect.stringMatching(/^(\d+m)?[\d.]+m?s$/),
    });
    const streamed = await client.chat.completions.create({ ...hi(s.endpoint.name), stream: true }).withResponse();
    for await (const chunk of streamed.data) void chunk;
    expect(streamed.response.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    await client.chat.completions.create(hi(s.endpoint.name));
    const refused = (await client.chat.completions.create(hi(s.endpoint.name)).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(refused.headers?.get("x-ratelimit-limit-requests")).toBe("3");
    expect(refused.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("sends no x-ratelimit-* headers when no limit applies", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const { response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect([...response.headers.keys()].filter((name) => name.startsWith("x-ratelimit-"))).toEqual([]);
  });

  it("lets exactly 20 of 50 concurrent requests through on a 20-per-minute key", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 20 } });
    const client = harness.gateway.client(s.secret);
    const { ok, errors } = await outcomes(Array.from({ length: 50 }, () => client.chat.completions.create(hi(s.endpoint.name))));
    expect(ok).toBe(20);
    expect(errors).toHaveLength(30);
    for (const e of errors) expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(harness.fake.requests).toHaveLength(20);
    const byStatus = await db().requestRecord.groupBy({ by: ["status"], where: { apiKeyId: s.key.id }, _count: true });
    expect(Object.fromEntries(byStatus.map((g) => [g.status, g._count]))).toEqual({ 200: 20, 429: 30 });
  });

  it("reserves estimated tokens before the call and settles them with the real usage after", async () => {
    // Each call reserves 2 (prompt) + 40 (max_tokens) and really uses 6: the fake counts 4 in and 2 out.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { tokensPerMinute: 60 } });
    const client = harness.gateway.client(s.secret);
    await client.chat.completions.create(hi(s.endpoint.name, { max_tokens: 40 }));
    // Without settling, 42 + 42 would not fit in 60.
    await client.chat.completions.create(hi(s.endpoint.name, { max_tokens: 40 }));
    // 12 used; 12 + 2 + 50 > 60.
    const error = await client.chat.completions.create(hi(s.endpoint.name, { max_tokens: 50 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as Error).message).toMatch(/tokens per minute on this API key/);
    await client.chat.completions.create(hi(s.endpoint.name, { max_tokens: 40 }));
  });

  it("applies the tenant's limit across all of its keys", async () => {
    const tenantGateway = await startTestGateway({ tenantRpm: 2 });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl);
      const other = await seedApiKey(s.tenant);
      await tenantGateway.client(s.secret).chat.completions.create(hi(s.endpoint.name));
      await tenantGateway.client(other.secret).chat.completions.create(hi(s.endpoint.name));
      const error = await tenantGateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as Error).message).toMatch(/requests per minute on this tenant/);
      // Another tenant is unaffected.
      const t = await seedGatewayTenant(harness.fake.baseUrl);
      await tenantGateway.client(t.secret).chat.completions.create(hi(t.endpoint.name));
    } finally {
      await tenantGateway.close();
    }
  });

  it("shares one limit between two gateway instances through Redis", async () => {
    const prefix = `keel-test:${crypto.randomUUID()}`;
    const one = await startTestGateway({ redisUrl: "redis://127.0.0.1:6379", redisPrefix: prefix });
    const two = await startTestGateway({ redisUrl: "redis://127.0.0.1:6379", redisPrefix: prefix });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 6 } });
      const calls = Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).client(s.secret).chat.completions.create(hi(s.endpoint.name)));
      const { ok, errors } = await outcomes(calls);
      expect(ok).toBe(6);
      for (const e of errors) expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("falls back to this instance's memory when Redis cannot be reached", async () => {
    const alone = await startTestGateway({ redisUrl: "redis://127.0.0.1:1", redisPrefix: `keel-test:${crypto.randomUUID()}` });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl, { key: { requestsPerMinute: 2 } });
      const { ok, errors } = await outcomes(Array.from({ length: 4 }, () => alone.client(s.secret).chat.completions.create(hi(s.endpoint.name))));
      expect(ok).toBe(2);
      for (const e of errors) expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      await alone.close();
    }
  });
});

describe("monthly budget", () => {
  it("refuses with 429 insufficient_quota once the tenant's spend this month reaches its budget, before calling the provider", async () => {
    // The first call is estimated at 2 input tokens ($0.02 at $10,000 per million), which fits a
    // $0.03 budget; the fake counts 4 ($0.04), which spends it.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "0.03", endpoint: { inputPricePerMTok: "10000" } });
    const client = harness.gateway.client(s.secret);
    await client.chat.completions.create(hi(s.endpoint.name));
    const error = await client.chat.completions.create(hi(s.endpoint.name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_quota");
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe("insufficient_quota");
    expect(harness.fake.requests).toHaveLength(1);
  });

  it("counts what the records say was spent this calendar month, and only this month", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00" });
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1000);
    const row = { tenantId: s.tenant.id, route: "chat.completions", latencyMs: 1, status: 200 };
    await db().requestRecord.create({ data: { ...row, id: crypto.randomUUID(), costUsd: "5", createdAt: lastMonth } });
    await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name));

    const spent = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00" });
    await db().requestRecord.create({ data: { ...row, tenantId: spent.tenant.id, id: crypto.randomUUID(), costUsd: "1.00", createdAt: now } });
    const error = await harness.gateway.client(spent.secret).chat.completions.create(hi(spent.endpoint.name)).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_quota");
  });
});
