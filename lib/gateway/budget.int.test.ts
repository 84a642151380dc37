import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedApiKey, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

// A short cache TTL, so that version changes made straight in the database apply quickly.
const CACHE_TTL_MS = 300;
const harness = useGatewayHarness({ cacheTtlMs: CACHE_TTL_MS });
const cacheExpired = () => new Promise((r) => setTimeout(r, CACHE_TTL_MS + 50));

type ApiError = InstanceType<typeof OpenAI.APIError>;

/** Settles every call: how many succeeded, and the errors of the rest. */
async function outcomes(calls: Promise<unknown>[]) {
  const results = await Promise.allSettled(calls);
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as ApiError] : []));
  return { ok: results.length - errors.length, errors };
}

const spentInRecords = async (tenantId: string) => Number((await db().requestRecord.aggregate({ where: { tenantId }, _sum: { costUsd: true } }))._sum.costUsd ?? 0);

describe("budget reservations", () => {
  it("admits at most 10 of 50 concurrent calls when the budget holds 10, and the spend adds up", async () => {
    // One word of ten letters: Keel estimates ceil((10 + 4) / 4) = 4 input tokens and the fake
    // counts 3 + 1 = 4, so each call holds and then costs exactly $0.10 (4 tokens at $25,000 per
    // million), a tenth of the $1.00 budget. Output is free here.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00", endpoint: { inputPricePerMTok: "25000", outputPricePerMTok: "0" } });
    const client = harness.gateway.client(s.secret);
    // The fake answers slowly, so the calls overlap: without reservations all 50 would pass the check.
    harness.fake.fail({ kind: "delay", ms: 300 }, 50);
    const call = () => client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "abcdefghij" }] });
    const { ok, errors } = await outcomes(Array.from({ length: 50 }, call));

    expect(ok).toBeLessThanOrEqual(10);
    expect(ok).toBeGreaterThan(0);
    expect(errors).toHaveLength(50 - ok);
    for (const e of errors) {
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.code).toBe("insufficient_quota");
    }
    expect(harness.fake.requests).toHaveLength(ok);
    expect(await spentInRecords(s.tenant.id)).toBeCloseTo(ok * 0.1, 8);
    const byStatus = await db().requestRecord.groupBy({ by: ["status"], where: { tenantId: s.tenant.id }, _count: true });
    expect(Object.fromEntries(byStatus.map((g) => [g.status, g._count]))).toEqual(ok === 50 ? { 200: 50 } : { 200: ok, 429: 50 - ok });

    // What is left is exactly what was not spent: the reservations all came back.
    const left = 10 - ok;
    const more = await outcomes(Array.from({ length: left + 1 }, () => call()));
    expect(more.ok).toBe(left);
    expect(await spentInRecords(s.tenant.id)).toBeCloseTo(1, 8);
  });

  it("gives every reservation back, whatever ends the request: provider errors, a refused body, a cut stream, a caller who leaves", async () => {
    // Each call holds $0.60 (600 output tokens at $1,000 per million) of a $1.00 budget, so a
    // second call fits only once the first gave its hold back; each really costs a few output tokens.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00", endpoint: { outputPricePerMTok: "1000" } });
    const client = harness.gateway.client(s.secret);
    const ask = () => client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }], max_tokens: 600 });
    const fits = async () => expect(await ask()).toMatchObject({ object: "chat.completion" });

    harness.fake.fail({ kind: "status", status: 500 }, 3);
    expect(await ask().catch((e: ApiError) => e.status)).toBe(502);
    await fits();

    harness.fake.fail({ kind: "status", status: 400, message: "bad request" });
    expect(await ask().catch((e: ApiError) => e.status)).toBe(400);
    await fits();

    harness.fake.fail({ kind: "cut", afterChunks: 2 });
    const cut = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }], max_tokens: 600, stream: true });
    await expect((async () => { for await (const _ of cut) void _; })()).rejects.toThrow();
    await fits();

    const controller = new AbortController();
    const leaving = await client.chat.completions.create(
      { model: s.endpoint.name, messages: [{ role: "user", content: "one two three four five six" }], max_tokens: 600, stream: true },
      { signal: controller.signal },
    );
    // The client ends its iteration quietly on its own abort.
    await (async () => {
      for await (const _ of leaving) controller.abort();
    })().catch(() => {});
    // The gateway notices the close and settles; give it a moment, then a call must fit again.
    let admitted = false;
    for (let i = 0; i < 40 && !admitted; i++) {
      admitted = await ask().then(() => true, () => false);
      if (!admitted) await new Promise((r) => setTimeout(r, 50));
    }
    expect(admitted).toBe(true);
    // Spend is what the records say: no reservation stayed behind as spend.
    expect(await spentInRecords(s.tenant.id)).toBeLessThan(0.1);
  });

  it("holds the most the answer may cost: the default output cap without max_tokens, and the dearest fallback", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00", endpoint: { outputPricePerMTok: "100" } });
    const client = harness.gateway.client(s.secret);
    const hi = { model: s.endpoint.name, messages: [{ role: "user" as const, content: "hi" }] };
    // No max_tokens: 4,096 output tokens held, $0.41 at $100 per million; fits.
    await expect(client.chat.completions.create(hi)).resolves.toMatchObject({ object: "chat.completion" });

    // A fallback at $1,000 per million could answer instead: 4,096 tokens there is $4.10, over the whole budget.
    const dear = await db().modelVersion.create({
      data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "dear", providerId: s.provider.id, providerModel: "fake-chat", outputPricePerMTok: "1000" },
    });
    await db().endpoint.update({ where: { id: s.endpoint.id }, data: { fallbackVersionIds: [dear.id] } });
    await cacheExpired();
    const refused = (await client.chat.completions.create(hi).catch((e: unknown) => e)) as ApiError;
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.code).toBe("insufficient_quota");
    expect(refused.message).toMatch(/could cost up to \$4\.\d+, more than this tenant's monthly budget of \$1\.00.*max_tokens/);
    // With max_tokens the most it can cost is known and small.
    await expect(client.chat.completions.create({ ...hi, max_tokens: 100 })).resolves.toMatchObject({ object: "chat.completion" });
  });

  it("holds what the version's own defaults make a call cost: a developer's `n` in its params multiplies the hold", async () => {
    // $1,000 per million output tokens; the version asks the provider for 20 choices unless the caller says otherwise.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { monthlyBudgetUsd: "1.00", endpoint: { outputPricePerMTok: "1000", params: { n: 20 } } });
    const client = harness.gateway.client(s.secret);
    const hi = { model: s.endpoint.name, messages: [{ role: "user" as const, content: "hi" }], max_tokens: 100 };
    // 100 tokens times the version's 20 choices is $2.00, over the whole budget: refused before the provider is called.
    const refused = (await client.chat.completions.create(hi).catch((e: unknown) => e)) as ApiError;
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.message).toMatch(/could cost up to \$2\.00/);
    expect(harness.fake.requests).toHaveLength(0);
    // The caller's own n is what the provider gets, and what is held: 100 tokens, $0.10.
    await expect(client.chat.completions.create({ ...hi, n: 1 })).resolves.toMatchObject({ object: "chat.completion" });
  });

  it("never routes to a version no manager has priced, as the active version or as a fallback", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    const unpriced = await db().modelVersion.create({
      data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "free-ride", providerId: s.provider.id, providerModel: "fake-chat", priced: false },
    });
    await db().endpoint.update({ where: { id: s.endpoint.id }, data: { fallbackVersionIds: [unpriced.id] } });
    await cacheExpired();
    harness.fake.fail({ kind: "status", status: 500 }, 3);
    const failed = (await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)) as ApiError;
    expect(failed.status).toBe(502);
    expect(harness.fake.requests).toHaveLength(3); // the active version's tries only

    await db().endpoint.update({ where: { id: s.endpoint.id }, data: { activeVersionId: unpriced.id, fallbackVersionIds: [] } });
    await cacheExpired();
    const missing = (await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)) as ApiError;
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.message).toMatch(/has no active version/);
    expect(harness.fake.requests).toHaveLength(3);
  });
});

describe("key budgets", () => {
  it("a key's hard monthly limit refuses its calls past it, naming the key; a soft one only counts; the tenant's other keys go on", async () => {
    // Each call costs exactly $0.10 (see the first test); the key may spend $0.30.
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { inputPricePerMTok: "25000", outputPricePerMTok: "0" }, key: { monthlyBudgetUsd: "0.30", budgetMode: "HARD" } });
    const other = await seedApiKey(s.tenant, { monthlyBudgetUsd: "0.10", budgetMode: "SOFT" });
    const call = (secret: string) => harness.gateway.client(secret).chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "abcdefghij" }] });
    for (let i = 0; i < 3; i++) await call(s.secret);
    const refused = (await call(s.secret).catch((e: ApiError) => e)) as ApiError;
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.code).toBe("insufficient_quota");
    expect(refused.message).toMatch(/This API key has reached its monthly budget of \$0\.30/);
    // A soft limit is for alerts: the other key goes past its $0.10.
    for (let i = 0; i < 3; i++) await call(other.secret);
    expect(await spentInRecords(s.tenant.id)).toBeCloseTo(0.6, 8);
  });
});
