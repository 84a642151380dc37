import http from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedGatewayTenant, startTestGateway, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

type ApiError = InstanceType<typeof OpenAI.APIError>;
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail"); }, (e: unknown) => e as ApiError);
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** A raw POST to the gateway; the body is written but, unless `end`, never finished. */
function rawPost(url: string, headers: Record<string, string>, body: string, end = true): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write(body);
    if (end) req.end();
  });
}

describe("the key comes before the body", () => {
  it("answers a bad key 401 without reading the body: not a 400 for bad JSON, not a 413, not a wait for the rest", async () => {
    const url = `${harness.gateway.url}/chat/completions`;
    const badKey = { authorization: "Bearer keel_not-a-key", "content-type": "application/json" };
    const deep = await rawPost(url, badKey, `{"model":"x","messages":${nested(100_000)}}`);
    expect(deep.status).toBe(401);
    const huge = await rawPost(url, { ...badKey, "content-length": String(1024 * 1024 * 1024) }, "{", false);
    expect(huge.status).toBe(401);
    expect(huge.headers.connection).toBe("close");
    // The connection header is set ahead of the others here; the request id still goes out with them.
    expect(huge.headers["x-request-id"]).toMatch(/^[\w-]{8,}$/);
    // A body that never finishes still gets its answer at once.
    const endless = await rawPost(url, { ...badKey, "transfer-encoding": "chunked" }, '{"model":"x","messages":[', false);
    expect(JSON.parse(endless.text).error.code).toBe("invalid_api_key");
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe("bodies Keel will not read", () => {
  it("refuses JSON nested deeper than 64 levels with a 400 naming the limit, records nothing, and calls no provider", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const headers = { authorization: `Bearer ${s.secret}`, "content-type": "application/json" };
    const url = `${harness.gateway.url}/chat/completions`;
    for (const depth of [64, 100_000]) {
      const r = await rawPost(url, headers, `{"model":"${s.endpoint.name}","messages":[{"role":"user","content":"hi"}],"metadata":${nested(depth)}}`);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).error).toMatchObject({ type: "invalid_request_error", message: expect.stringContaining("at most 64 levels") });
    }
    // 64 levels, the body itself included, still pass.
    const ok = await rawPost(url, headers, `{"model":"${s.endpoint.name}","messages":[{"role":"user","content":"hi"}],"metadata":${nested(63)}}`);
    expect(ok.status).toBe(200);
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id } })).toBe(1);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it("refuses a model name over 256 characters with a 400 on `model`", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    const long = await failure(client.chat.completions.create({ model: "m".repeat(257), messages: [{ role: "user", content: "hi" }] }));
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect(long.param).toBe("model");
    expect(long.message).toContain("at most 256 characters");
    const embed = await failure(client.embeddings.create({ model: "m".repeat(257), input: "x" }));
    expect(embed).toBeInstanceOf(OpenAI.BadRequestError);
    const atLimit = await failure(client.chat.completions.create({ model: "m".repeat(256), messages: [{ role: "user", content: "hi" }] }));
    expect(atLimit).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await failure(client.models.retrieve("m".repeat(300)))).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("model names no endpoint can have", () => {
  it("refuses a NUL or other control character in `model` with a 400, before it is looked up or recorded", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    for (const model of ["x\u0000y", "tab\there", "\u007f"]) {
      const chat = await failure(client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] }));
      expect(chat, JSON.stringify(model)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(chat.param).toBe("model");
      expect(await failure(client.embeddings.create({ model, input: "x" }))).toBeInstanceOf(OpenAI.BadRequestError);
    }
    // PostgreSQL refuses NUL in text: looked up or written into a batch of records, it was a 500.
    const retrieved = await fetch(`${harness.gateway.url}/models/x%00y`, { headers: { authorization: `Bearer ${s.secret}` } });
    expect(retrieved.status).toBe(400);
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id } })).toBe(0);
    await expect(client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] })).resolves.toMatchObject({ object: "chat.completion" });
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });
});

describe("guessing keys", () => {
  it("answers 429 to an address after 30 wrong keys a minute, before looking the next one up", async () => {
    // No key cache, so that a revocation shows at once.
    const local = await startTestGateway({ cacheTtlMs: 0 });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl);
      const hi = { model: s.endpoint.name, messages: [{ role: "user" as const, content: "hi" }] };
      // Another tenant's application shares the guesser's address (a NAT, a proxy) and is already calling.
      const neighbour = await seedGatewayTenant(harness.fake.baseUrl);
      const neighbourHi = { ...hi, model: neighbour.endpoint.name };
      await expect(local.client(neighbour.secret).chat.completions.create(neighbourHi)).resolves.toMatchObject({ object: "chat.completion" });
      for (let i = 0; i < 30; i++) {
        expect(await failure(local.client(`keel_wrong-${i}`).chat.completions.create(hi))).toBeInstanceOf(OpenAI.AuthenticationError);
      }
      const throttled = await failure(local.client("keel_wrong-31").chat.completions.create(hi));
      expect(throttled).toBeInstanceOf(OpenAI.RateLimitError);
      expect(throttled.code).toBe("rate_limit_exceeded");
      expect(throttled.message).toMatch(/invalid API key from this address/);
      expect(Number(throttled.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // The guesser cannot lock the neighbour out: a key this instance has found real is still looked up.
      await expect(local.client(neighbour.secret).chat.completions.create(neighbourHi)).resolves.toMatchObject({ object: "chat.completion" });
      // A key this instance has never seen waits with the address: telling it apart is the lookup being refused.
      expect(await failure(local.client(s.secret).chat.completions.create(hi))).toBeInstanceOf(OpenAI.RateLimitError);
      // A real key revoked since is still looked up, and told so rather than throttled.
      await db().apiKey.update({ where: { id: neighbour.key.id }, data: { revokedAt: new Date() } });
      const revoked = await failure(local.client(neighbour.secret).chat.completions.create(neighbourHi));
      expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(revoked.message).toMatch(/revoked/);
      // Another gateway instance (another address's view) is unaffected.
      await expect(harness.gateway.client(s.secret).chat.completions.create(hi)).resolves.toMatchObject({ object: "chat.completion" });
    } finally {
      await local.close();
    }
  });
});

describe("a provider that never ends an event", () => {
  let endless: http.Server;
  let sent = 0;
  let closed: Promise<void>;
  beforeAll(async () => {
    let onClosed: () => void = () => {};
    closed = new Promise((r) => (onClosed = r));
    endless = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"');
      const chunk = "a".repeat(64 * 1024);
      const timer = setInterval(() => {
        sent += chunk.length;
        res.write(chunk);
      }, 1);
      res.on("close", () => {
        clearInterval(timer);
        onClosed();
      });
    });
    await new Promise<void>((r) => endless.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    endless.closeAllConnections();
    await new Promise<void>((r) => endless.close(() => r()));
  });

  it("ends the stream in an error event and a cut, never [DONE], stops reading, and records why", async () => {
    const s = await seedGatewayTenant(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/v1`);
    const stream = await harness.gateway.client(s.secret).chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }], stream: true });
    const chunks: unknown[] = [];
    const error = await failure((async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })());
    expect(chunks).toHaveLength(0);
    expect(error.message).toMatch(/stream event longer than/);
    await closed;
    // Keel let go of the provider soon after the limit, rather than buffering on.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    const record = await db().requestRecord.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(record).toMatchObject({ stream: true, status: 502, errorCode: "upstream_event_too_large" });
  });
});
