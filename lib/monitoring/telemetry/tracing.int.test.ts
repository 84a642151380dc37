import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { FAKE_PROVIDER_KEY, seedEndpoint, seedGatewayTenant, startTestGateway, type TestGateway } from "@/lib/testing/gateway-factories";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { startOtlpCollector, type OtlpCollector, type ReceivedSpan } from "./testing/otlp-collector";

useTestDatabase();

let fake: FakeOpenAI;
let collector: OtlpCollector;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
  collector = await startOtlpCollector();
});
afterAll(async () => {
  await fake?.close();
  await collector?.close();
});
beforeEach(() => {
  fake.reset();
  collector.reset();
});

const priced = { providerModel: "gpt-fake-1", inputPricePerMTok: "2", outputPricePerMTok: "8" };
// Words a span must never carry: the prompt, and the answer that echoes it.
const PROMPT = "violet-pangolin-prompt-7731";
const EMBEDDED = "amber-quokka-input-4242";
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** Sends requests through a gateway that exports to the collector, then closes it, which flushes the spans. */
async function traced(send: (gw: TestGateway) => Promise<void>): Promise<ReceivedSpan[]> {
  const gw = await startTestGateway({ telemetry: { otlpTracesUrl: collector.url, otlpHeaders: { "x-collector-key": "ck-1" }, serviceName: "keel-test", metricsToken: null } });
  try {
    await send(gw);
  } finally {
    await gw.close();
  }
  return collector.spans();
}

const byRequest = (spans: ReceivedSpan[], id: string | null) => spans.find((s) => s.attributes["keel.request.id"] === id);

describe("traces of gateway requests", () => {
  it("exports a span per chat, streamed chat and embeddings request, with the GenAI attributes and no content", async () => {
    const s = await seedGatewayTenant(fake.baseUrl, { endpoint: priced });
    const embed = await seedEndpoint(s.tenant, s.provider, { kind: "EMBEDDINGS", providerModel: "fake-embed", inputPricePerMTok: "0.5" });
    const ids: Record<string, string | null> = {};
    const spans = await traced(async (gw) => {
      const client = gw.client(s.secret);
      const chat = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: PROMPT }], temperature: 0.3, max_tokens: 50 }).withResponse();
      ids.chat = chat.response.headers.get("x-request-id");
      const stream = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: `${PROMPT} again` }], stream: true }).withResponse();
      for await (const _ of stream.data); // read to the end
      ids.stream = stream.response.headers.get("x-request-id");
      const embedding = await client.embeddings.create({ model: embed.endpoint.name, input: EMBEDDED, encoding_format: "float" }).withResponse();
      ids.embeddings = embedding.response.headers.get("x-request-id");
    });

    expect(spans).toHaveLength(3);
    expect(collector.requests.every((r) => r.headers["x-collector-key"] === "ck-1")).toBe(true);
    for (const r of collector.requests) {
      expect(r.body).not.toContain(PROMPT);
      expect(r.body).not.toContain(EMBEDDED);
      expect(r.body).not.toContain("echo:");
    }
    const records = await db().requestRecord.findMany({ where: { tenantId: s.tenant.id } });
    const recordOf = (id: string | null) => records.find((r) => r.id === id)!;

    const chat = byRequest(spans, ids.chat)!;
    expect(chat).toMatchObject({ name: `chat ${s.endpoint.name}`, kind: SPAN_KIND_CLIENT, resource: { "service.name": "keel-test" } });
    expect(chat.status?.code ?? 0).not.toBe(STATUS_ERROR);
    expect(chat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.system": "openai",
      "gen_ai.request.model": s.endpoint.name,
      "gen_ai.response.model": "gpt-fake-1",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.stream": false,
      "gen_ai.usage.input_tokens": recordOf(ids.chat).inputTokens,
      "gen_ai.usage.output_tokens": recordOf(ids.chat).outputTokens,
      "gen_ai.response.finish_reasons": ["stop"],
      "keel.tenant.id": s.tenant.id,
      "keel.tenant.slug": s.tenant.slug,
      "keel.request.id": ids.chat,
      "keel.endpoint.id": s.endpoint.id,
      "keel.model_version.id": s.version.id,
      "http.response.status_code": 200,
    });
    expect(chat.attributes["gen_ai.response.id"]).toMatch(/^chatcmpl-/);
    expect(chat.attributes["keel.cost_usd"]).toBeCloseTo(Number(recordOf(ids.chat).costUsd), 10);
    expect(chat.attributes).not.toHaveProperty("error.type");
    expect(chat.durationMs).toBeGreaterThan(0);

    const stream = byRequest(spans, ids.stream)!;
    expect(stream.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.stream": true,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": recordOf(ids.stream).inputTokens,
      "gen_ai.usage.output_tokens": recordOf(ids.stream).outputTokens,
    });
    expect(stream.attributes["gen_ai.response.time_to_first_chunk"]).toBeCloseTo(recordOf(ids.stream).ttftMs! / 1000, 6);
    expect(stream.attributes).not.toHaveProperty("gen_ai.request.temperature");

    const embeddings = byRequest(spans, ids.embeddings)!;
    expect(embeddings).toMatchObject({ name: `embeddings ${embed.endpoint.name}`, kind: SPAN_KIND_CLIENT });
    expect(embeddings.attributes).toMatchObject({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.request.model": embed.endpoint.name,
      "gen_ai.response.model": "fake-embed",
      "gen_ai.request.encoding_formats": ["float"],
      "gen_ai.usage.input_tokens": recordOf(ids.embeddings).inputTokens,
      "keel.endpoint.id": embed.endpoint.id,
      "http.response.status_code": 200,
    });
  });

  it("marks a failed request ERROR with its error.type and status code", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    let id: string | null = null;
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    const spans = await traced(async (gw) => {
      fake.fail({ kind: "status", status: 500 }, 3);
      const error = await gw
        .client(s.secret)
        .chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: PROMPT }] })
        .catch((e: { status: number; headers: Headers }) => e);
      expect(error).toMatchObject({ status: 502 });
      id = (error as { headers: Headers }).headers.get("x-request-id");
    });
    warnings.mockRestore();
    const span = byRequest(spans, id)!;
    expect(span.status).toMatchObject({ code: STATUS_ERROR, message: "provider_error" });
    expect(span.attributes).toMatchObject({ "error.type": "provider_error", "http.response.status_code": 502, "keel.attempts": 3, "keel.tenant.id": s.tenant.id });
    expect(span.attributes).not.toHaveProperty("gen_ai.response.model");
    expect(collector.requests.map((r) => r.body).join("")).not.toContain(PROMPT);
  });

  it("joins the caller's trace when the request carries a W3C traceparent", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const spans = await traced(async (gw) => {
      await gw
        .client(s.secret)
        .chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ traceId, parentSpanId: "00f067aa0ba902b7" });
  });

  it("says so in the log when the collector refuses, and answers the caller all the same", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const s = await seedGatewayTenant(fake.baseUrl);
      collector.failWith(400);
      await traced(async (gw) => {
        const answer = await gw.client(s.secret).chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] });
        expect(answer.choices[0].message.content).toBe("echo: hi");
      });
      expect(collector.requests.length).toBeGreaterThan(0);
      expect(errors.mock.calls.map((c) => String(c[0])).some((line) => line.startsWith(`[telemetry] could not export 1 span(s) to ${collector.url}`))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });
});
