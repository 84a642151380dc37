import http from "node:http";
import type { AddressInfo } from "node:net";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import type { GatewayHandler } from "@/lib/gateway/handler";
import { seedTenant } from "@/lib/testing/factories";
import { useTestDatabase } from "@/lib/testing/db";
import { FAKE_PROVIDER_KEY, seedApiKey, seedEndpoint, seedProvider, startTestGateway, type TestGateway } from "@/lib/testing/gateway-factories";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";

useTestDatabase();

const TOKEN = "metrics-token-0123456789abcdef";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
});
afterAll(() => fake?.close());

/** The handler's /api/metrics on a real loopback server, as server.ts dispatches it. */
async function metricsServer(handler: GatewayHandler) {
  const server = http.createServer((req, res) => handler.metrics(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/metrics`;
  return {
    scrape: (authorization?: string) => fetch(url, { headers: authorization ? { authorization } : {} }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function withGateway(opts: Parameters<typeof startTestGateway>[0], run: (gw: TestGateway, scrape: (auth?: string) => Promise<Response>) => Promise<void>) {
  const gw = await startTestGateway(opts);
  const metrics = await metricsServer(gw.handler);
  try {
    await run(gw, metrics.scrape);
  } finally {
    await metrics.close();
    await gw.close();
  }
}

const sample = (families: ParsedFamily[], name: string, labels: Record<string, string>) =>
  families.find((f) => f.name === name)?.metrics.find((m) => JSON.stringify(m.labels) === JSON.stringify(labels));

describe("/api/metrics", () => {
  it("is not there when no token is configured", async () => {
    await withGateway({}, async (_gw, scrape) => {
      expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
      expect((await scrape()).status).toBe(404);
    });
  });

  it("refuses a scrape without the token, or with a wrong one", async () => {
    await withGateway({ telemetry: { otlpTracesUrl: null, metricsToken: TOKEN } }, async (_gw, scrape) => {
      for (const auth of [undefined, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}0`, `Basic ${TOKEN}`, TOKEN]) {
        const res = await scrape(auth);
        expect([auth, res.status]).toEqual([auth, 401]);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(await res.text()).not.toContain("keel_gateway");
      }
    });
  });

  it("counts requests, tokens, cost and durations as the records say, in a format a parser reads back, whatever the names", async () => {
    // Names a label value must survive: quotes, backslashes and (a slug set in the database) a line feed.
    const tenant = await seedTenant({ slug: `acme "q" \\ back\nline-${Date.now()}` });
    const provider = await seedProvider(tenant, { baseUrl: fake.baseUrl, apiKey: FAKE_PROVIDER_KEY });
    const chat = await seedEndpoint(tenant, provider, { name: `chat "best" \\ one`, inputPricePerMTok: "2", outputPricePerMTok: "8" });
    const embed = await seedEndpoint(tenant, provider, { name: "embed-1", kind: "EMBEDDINGS", providerModel: "fake-embed", inputPricePerMTok: "0.5" });
    const { secret } = await seedApiKey(tenant);
    // The failing provider is logged as a warning; keep it out of the test's output.
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});

    await withGateway({ telemetry: { otlpTracesUrl: null, metricsToken: TOKEN } }, async (gw, scrape) => {
      const client = gw.client(secret);
      const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hello there" }] });
      await ask(chat.endpoint.name);
      await ask(chat.endpoint.name);
      const stream = await client.chat.completions.create({ model: chat.endpoint.name, messages: [{ role: "user", content: "one two" }], stream: true });
      for await (const _ of stream); // read to the end
      await client.embeddings.create({ model: embed.endpoint.name, input: "alpha beta", encoding_format: "float" });
      fake.fail({ kind: "status", status: 500 }, 3);
      await expect(ask(chat.endpoint.name)).rejects.toMatchObject({ status: 502 });
      await expect(ask("no such endpoint")).rejects.toMatchObject({ status: 404 });
      await expect(gw.client("keel_not_a_key").chat.completions.create({ model: chat.endpoint.name, messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 401 });

      const res = await scrape(`Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await res.text();
      const families = parsePrometheusTextFormat(text);
      const records = await db().requestRecord.findMany({ where: { tenantId: tenant.id } });
      const sum = (endpointId: string, f: (r: (typeof records)[number]) => number) => records.filter((r) => r.endpointId === endpointId).reduce((a, r) => a + f(r), 0);

      const t = tenant.slug;
      const requests = (labels: Record<string, string>) => Number(sample(families, "keel_gateway_requests_total", labels)?.value);
      expect(requests({ tenant: t, endpoint: chat.endpoint.name, route: "chat.completions", status_class: "2xx" })).toBe(3);
      expect(requests({ tenant: t, endpoint: chat.endpoint.name, route: "chat.completions", status_class: "5xx" })).toBe(1);
      expect(requests({ tenant: t, endpoint: embed.endpoint.name, route: "embeddings", status_class: "2xx" })).toBe(1);
      // An unknown endpoint's name is the caller's to choose: it never becomes a label value.
      expect(requests({ tenant: t, endpoint: "", route: "chat.completions", status_class: "4xx" })).toBe(1);
      expect(requests({ tenant: "", endpoint: "", route: "chat.completions", status_class: "4xx" })).toBe(1);
      expect(families.find((f) => f.name === "keel_gateway_requests_total")?.metrics).toHaveLength(5);
      expect(text).not.toContain("no such endpoint");

      const tokens = (endpoint: string, direction: string) => Number(sample(families, "keel_gateway_tokens_total", { tenant: t, endpoint, direction })?.value);
      expect(tokens(chat.endpoint.name, "input")).toBe(sum(chat.endpoint.id, (r) => r.inputTokens));
      expect(tokens(chat.endpoint.name, "output")).toBe(sum(chat.endpoint.id, (r) => r.outputTokens));
      expect(tokens(embed.endpoint.name, "input")).toBe(sum(embed.endpoint.id, (r) => r.inputTokens));
      const cost = Number(sample(families, "keel_gateway_cost_usd_total", { tenant: t, endpoint: chat.endpoint.name })?.value);
      expect(cost).toBeGreaterThan(0);
      expect(cost).toBeCloseTo(sum(chat.endpoint.id, (r) => Number(r.costUsd)), 10);

      expect(families.find((f) => f.name === "keel_gateway_request_duration_seconds")?.type).toBe("HISTOGRAM");
      expect(text).toContain('keel_gateway_request_duration_seconds_count{route="chat.completions"} 6\n');
      expect(text).toContain('keel_gateway_request_duration_seconds_bucket{route="embeddings",le="+Inf"} 1\n');
      const ttft = families.find((f) => f.name === "keel_gateway_time_to_first_token_seconds");
      expect(ttft).toMatchObject({ type: "HISTOGRAM", metrics: [{ count: "1" }] });

      const gauge = (name: string) => families.find((f) => f.name === name);
      expect(gauge("keel_record_writer_pending")).toMatchObject({ type: "GAUGE", metrics: [{ value: "0" }] });
      expect(Number(gauge("process_resident_memory_bytes")?.metrics[0].value)).toBeGreaterThan(1e6);
      for (const f of families) expect([f.name, f.help.length > 0]).toEqual([f.name, true]);
    });
    warnings.mockRestore();
  });
});
