import crypto from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedGatewayTenant, startTestGateway, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness({ providerTimeoutMs: 800 });

const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi there" }] });
type ApiError = InstanceType<typeof OpenAI.APIError>;
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as ApiError);
const recordOf = (error: ApiError) => db().requestRecord.findUniqueOrThrow({ where: { id: error.headers!.get("x-request-id")! } });

async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  return text;
}

/**
 * A streamed chat request read as raw bytes, as a client that ignores error events would: the
 * response, `ended` (resolves "clean end" when the body ends, rejects when it is cut) and the text so far.
 */
async function rawStream(url: string, secret: string, model: string) {
  const res = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ ...hi(model), stream: true }),
  });
  const reader = res.body!.getReader();
  let text = "";
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return "clean end";
      text += new TextDecoder().decode(value);
    }
  })();
  return { res, ended, text: () => text };
}

/** The request record with this id once its writer committed it, or null if none came within 5 s. */
async function recordOnceWritten(id: string) {
  for (let i = 0; i < 250; i++) {
    const record = await db().requestRecord.findUnique({ where: { id } });
    if (record) return record;
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

/** A streamed request to a provider failing with `fault`: what the client raised, and the request's record. */
async function brokenStream(fault: Parameters<typeof harness.fake.fail>[0]) {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  harness.fake.fail(fault);
  const { data: stream, response } = await harness.gateway
    .client(s.secret)
    .chat.completions.create({ ...hi(s.endpoint.name), stream: true })
    .withResponse();
  const error = await failure(drain(stream));
  const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
  return { error, record };
}

/**
 * A streamed request for an endless answer (a flood of 256 KB chunks) from a raw socket that reads
 * nothing (`readEveryMs` null) or reads for 20 ms every `readEveryMs`, to a gateway whose patience
 * with a slow caller is 300 ms: the request's record once written (or null after 5 s), how many
 * bytes the caller got, and whether the provider saw Keel hang up.
 */
async function stalledStream(readEveryMs: number | null) {
  const local = await startTestGateway({ stalledCallerMs: 300 });
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  harness.fake.fail({ kind: "flood", chunks: 4096, chars: 256 * 1024 });
  const id = `stalled-${crypto.randomUUID()}`;
  const body = JSON.stringify({ ...hi(s.endpoint.name), stream: true });
  const socket = net.connect(Number(new URL(local.url).port), "127.0.0.1");
  let received = 0;
  socket.on("data", (chunk: Buffer) => (received += chunk.length));
  socket.on("error", () => {});
  const reading = readEveryMs === null ? null : setInterval(() => {
    socket.resume();
    setTimeout(() => socket.pause(), 20);
  }, readEveryMs);
  try {
    await once(socket, "connect");
    socket.write(
      `POST /api/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${s.secret}\r\n` +
        `content-type: application/json\r\nx-request-id: ${id}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause();
    const record = await recordOnceWritten(id);
    for (let i = 0; i < 100 && harness.fake.hungUp === 0; i++) await new Promise((r) => setTimeout(r, 20));
    return { record, received, providerLeft: harness.fake.hungUp === 1 };
  } finally {
    if (reading) clearInterval(reading);
    socket.destroy();
    await local.close();
  }
}

describe("provider faults", () => {
  it("retries a 500 and answers, with one record of two attempts", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 500 });
    const { data, response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect(data.choices[0].message.content).toBe("echo: hi there");
    expect(harness.fake.requests).toHaveLength(2);
    const records = await db().requestRecord.findMany({ where: { apiKeyId: s.key.id } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: response.headers.get("x-request-id"), status: 200, attempts: 2, errorCode: null });
  });

  it("gives up after two retries with 502 in OpenAI's shape", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 503, message: "overloaded: upstream db-internal-7.corp:5432 refused" }, 3);
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.type).toBe("api_error");
    // The provider's own failure is told in Keel's words: its page may name what the caller may not see.
    expect(error.message).toMatch(/The provider failed \(HTTP 503; request id /);
    expect(error.message).not.toMatch(/overloaded|db-internal/);
    expect(harness.fake.requests).toHaveLength(3);
    expect(await recordOf(error)).toMatchObject({ status: 502, errorCode: "provider_error", attempts: 3 });
  });

  it("waits out a 429's retry-after, then answers", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 429, retryAfter: "1" });
    const started = Date.now();
    await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(harness.fake.requests).toHaveLength(2);
  });

  it("does not wait out a retry-after longer than it allows", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 429, retryAfter: "3600", message: "Rate limit reached in organization org-PLATFORM123" });
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(502);
    expect(error.message).not.toContain("org-PLATFORM123");
    expect(await recordOf(error)).toMatchObject({ status: 502, errorCode: "provider_rate_limited", attempts: 1 });
  });

  it("keeps a provider's 4xx message and status for the caller's own mistakes, without retrying", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 400, message: "temperature is too spicy" });
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain("temperature is too spicy");
    expect(harness.fake.requests).toHaveLength(1);
    expect(await recordOf(error)).toMatchObject({ status: 400, attempts: 1 });
  });

  it("answers 502 when the provider refuses Keel's credentials, without repeating what it said", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { providerApiKey: "sk-wrong" });
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(502);
    expect(error.code).toBe("provider_auth_failed");
    expect(error.message).not.toContain("sk-");
  });

  it("answers 502 after retries when the provider cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const s = await seedGatewayTenant(`http://127.0.0.1:${port}/v1`);
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(502);
    expect(await recordOf(error)).toMatchObject({ status: 502, errorCode: "upstream_unreachable", attempts: 3 });
  });

  it("times out a provider that never answers with 504, and records it", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "hang" });
    const started = Date.now();
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await recordOf(error)).toMatchObject({ status: 504, errorCode: "upstream_timeout", attempts: 1 });
  });

  it("turns a stream cut mid-way into an error the client raises, and records it", async () => {
    const { error, record } = await brokenStream({ kind: "cut", afterChunks: 3 });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/stream broke off/);
    expect(harness.fake.requests).toHaveLength(1);
    expect(record).toMatchObject({ stream: true, status: 502, errorCode: "stream_interrupted", attempts: 1 });
  });

  it("passes on a provider's error event mid-stream, stops reading that provider, and records the stream as failed", async () => {
    const { error, record } = await brokenStream({ kind: "error-event", afterChunks: 2 });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/the model fell over/);
    expect(record).toMatchObject({ stream: true, status: 502, errorCode: "provider_error", attempts: 1 });
  });

  it("treats a stream that ends without [DONE] as broken", async () => {
    const { error, record } = await brokenStream({ kind: "no-done" });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/ended before it was complete/);
    expect(record).toMatchObject({ status: 502, errorCode: "stream_interrupted" });
  });

  it("never ends a broken stream cleanly, even for a client that ignores error events", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "no-done" });
    const { res, ended, text } = await rawStream(harness.gateway.url, s.secret, s.endpoint.name);
    expect(res.status).toBe(200);
    await expect(ended).rejects.toThrow();
    expect(text()).toContain('data: {"error":{"message":"The provider\'s stream ended before it was complete."');
    expect(text()).not.toContain("[DONE]");
  });

  it("sends a stream's headers while the model thinks, before its first chunk", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    let answer = () => {};
    harness.fake.fail({ kind: "think", until: new Promise<void>((resolve) => (answer = resolve)) });
    // No chunk comes until the test lets it: the response's headers reach the caller without one.
    const { res, ended, text } = await rawStream(harness.gateway.url, s.secret, s.endpoint.name);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    answer();
    expect(await ended).toBe("clean end");
    expect(text()).toContain("data: [DONE]");
  });

  it("retries a stream whose provider failed before sending anything", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.fail({ kind: "status", status: 500 });
    const stream = await harness.gateway.client(s.secret).chat.completions.create({ ...hi(s.endpoint.name), stream: true });
    expect(await drain(stream)).toBe("echo: hi there");
    expect(harness.fake.requests).toHaveLength(2);
  });

  it("records a caller who hangs up mid-stream as 499", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const controller = new AbortController();
    const res = await fetch(`${harness.gateway.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ ...hi(s.endpoint.name), stream: true }),
      signal: controller.signal,
    });
    const id = res.headers.get("x-request-id")!;
    await res.body!.getReader().read();
    controller.abort();
    const record = await recordOnceWritten(id);
    expect(record).toMatchObject({ status: 499, errorCode: "client_closed", stream: true });
  });

  it("cuts off a caller who stops reading a stream, records it as 499 client_stalled, and lets the provider go", async () => {
    const { record, providerLeft } = await stalledStream(null);
    expect(record).toMatchObject({ status: 499, errorCode: "client_stalled", stream: true });
    expect(providerLeft).toBe(true);
  });

  it("cuts off a caller who reads a stream too slowly to take it, though each of its reads lets more through", async () => {
    const { record, received, providerLeft } = await stalledStream(150);
    expect(record).toMatchObject({ status: 499, errorCode: "client_stalled", stream: true });
    // It took megabytes of the answer before the waits it caused added up to the gateway's patience.
    expect(received).toBeGreaterThan(4 * 1024 * 1024);
    expect(providerLeft).toBe(true);
  });
});

describe("shutdown", () => {
  it("ends a stream that outlasts the grace period with a shutting_down error, and records it as that", async () => {
    const local = await startTestGateway({ closeGraceMs: 100 });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl);
      harness.fake.fail({ kind: "slow", chunkMs: 300 });
      const { res, ended, text } = await rawStream(local.url, s.secret, s.endpoint.name);
      const cut = ended.catch(() => undefined);
      expect(res.status).toBe(200);
      await local.handler.close();
      await cut;
      expect(text()).toContain('"code":"shutting_down"');
      expect(text()).not.toContain("[DONE]");
      const record = await db().requestRecord.findUniqueOrThrow({ where: { id: res.headers.get("x-request-id")! } });
      expect(record).toMatchObject({ stream: true, status: 503, errorCode: "shutting_down" });
    } finally {
      await local.close();
    }
  });

  it("lets in-flight requests finish, cuts what outlasts the grace period, records everything, then refuses new work", async () => {
    const local = await startTestGateway({ closeGraceMs: 300 });
    try {
      const s = await seedGatewayTenant(harness.fake.baseUrl);
      const client = local.client(s.secret);
      harness.fake.fail({ kind: "hang" });
      harness.fake.fail({ kind: "delay", ms: 150 });
      const hanging = failure(client.chat.completions.create(hi(s.endpoint.name)));
      for (let i = 0; i < 100 && harness.fake.requests.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      const quick = client.chat.completions.create(hi(s.endpoint.name));
      for (let i = 0; i < 100 && harness.fake.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await local.handler.close();
      await expect(quick).resolves.toMatchObject({ object: "chat.completion" });
      const cut = await hanging;
      expect(cut.status).toBe(503);
      expect(cut.code).toBe("shutting_down");
      expect(await recordOf(cut)).toMatchObject({ status: 503, errorCode: "shutting_down" });
      expect(await db().requestRecord.count({ where: { apiKeyId: s.key.id } })).toBe(2);
      const late = await failure(client.chat.completions.create(hi(s.endpoint.name)));
      expect(late.status).toBe(503);
    } finally {
      await local.close();
    }
  });
});

describe("what a provider reports", () => {
  it("records absurd usage at what the record holds, rather than failing the batch it is written with", async () => {
    const absurd = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id: "x", object: "chat.completion", created: 0, model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 2_000_000_000, completion_tokens: 0, total_tokens: 2_000_000_000 },
      }));
    });
    await new Promise<void>((r) => absurd.listen(0, "127.0.0.1", r));
    try {
      const s = await seedGatewayTenant(`http://127.0.0.1:${(absurd.address() as AddressInfo).port}/v1`, { endpoint: { inputPricePerMTok: "100000" } });
      const { response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
      const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
      expect(record).toMatchObject({ status: 200, inputTokens: 2_000_000_000 });
      expect(record.costUsd.toString()).toBe("999999.99999999");
    } finally {
      absurd.closeAllConnections();
      await new Promise<void>((r) => absurd.close(() => r()));
    }
  });

  it("keeps a code that is no plain token out of the answer and the record, which is still written", async () => {
    // A NUL in a stored code failed the whole batch of request records it was written with.
    const hostile = http.createServer((req, res) => {
      req.resume();
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "bad request", code: `bad\u0000code${"x".repeat(10_000)}`, param: null } }));
    });
    await new Promise<void>((r) => hostile.listen(0, "127.0.0.1", r));
    try {
      const s = await seedGatewayTenant(`http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`);
      const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
      expect(error.status).toBe(400);
      expect(error.code).toBeNull();
      expect(await recordOf(error)).toMatchObject({ status: 400, errorCode: "invalid_request_error" });
    } finally {
      hostile.closeAllConnections();
      await new Promise<void>((r) => hostile.close(() => r()));
    }
  });
});
