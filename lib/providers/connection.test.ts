import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOutboundPolicy, type Lookup } from "@/lib/net/outbound";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { testOpenAiCompatible } from "./connection";

// "Test connection" with the official client against real local servers. The policy refuses
// before any connection is made, which the net.connect spy proves for addresses never dialled.

const KEY = "sk-provider-key";
let fake: FakeOpenAI;
let fakePort = 0;
let v6: { port: number; hits: number; server: http.Server };
let redirector: { port: number; server: http.Server };
const lookup: Lookup = async (name) => {
  if (name === "localhost" || name === "loopback.keel.test") return ["127.0.0.1"];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

async function serve(handler: http.RequestListener, host: string) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY });
  fakePort = Number(new URL(fake.baseUrl).port);
  const six = await serve((_req, res) => {
    v6.hits++;
    res.end("{}");
  }, "::1");
  v6 = { ...six, hits: 0 };
  redirector = await serve((req, res) => res.writeHead(302, { location: `http://127.0.0.1:${fakePort}${req.url}` }).end(), "127.0.0.1");
  vi.spyOn(net, "connect");
});
afterEach(() => {
  fake.reset();
  vi.mocked(net.connect).mockClear();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await fake.close();
  for (const s of [v6.server, redirector.server]) s.close();
});

const dialled = () => vi.mocked(net.connect).mock.calls.map((args) => (args[0] as { host?: string }).host);

describe("test connection", () => {
  const strict = createOutboundPolicy("", { lookup });

  it("refuses loopback, private, metadata, IPv6 and mapped addresses, and loopback names, before connecting", async () => {
    const cases: [string, string][] = [
      [`http://127.0.0.1:${fakePort}/v1`, "(127.0.0.1 is loopback)"],
      ["http://10.0.0.1:8000/v1", "(10.0.0.1 is private)"],
      ["http://169.254.169.254/v1", "(169.254.169.254 is the cloud metadata address)"],
      [`http://[::1]:${v6.port}/v1`, "(::1 is loopback)"],
      [`http://[::ffff:127.0.0.1]:${fakePort}/v1`, "(::ffff:7f00:1 is loopback, IPv4-mapped)"],
      [`http://localhost:${fakePort}/v1`, "(localhost resolves to 127.0.0.1, which is loopback)"],
      [`http://loopback.keel.test:${fakePort}/v1`, "(loopback.keel.test resolves to 127.0.0.1, which is loopback)"],
    ];
    for (const [url, why] of cases) {
      const result = await testOpenAiCompatible(url, KEY, strict);
      expect(result, url).toEqual({ ok: false, error: expect.stringContaining(why) });
      expect((result as { error: string }).error).toContain("KEEL_OUTBOUND_ALLOW=");
    }
    expect(dialled()).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(v6.hits).toBe(0);
  });

  it("resolves localhost with the system resolver too, and refuses it", async () => {
    const system = createOutboundPolicy("");
    const result = await testOpenAiCompatible(`http://localhost:${fakePort}/v1`, KEY, system);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1), which is loopback/) });
    expect(fake.requests).toEqual([]);
  });

  it("does not follow a redirect from an allowed server to loopback", async () => {
    const policy = createOutboundPolicy(`127.0.0.1:${redirector.port}`, { lookup });
    const result = await testOpenAiCompatible(`http://127.0.0.1:${redirector.port}/v1`, KEY, policy);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^The provider answered HTTP 302: a redirect/) });
    expect(fake.requests).toEqual([]);
    await policy.close();
  });

  it("lists the models of a server the allow-list admits", async () => {
    const policy = createOutboundPolicy(`127.0.0.1:${fakePort}`, { lookup });
    expect(await testOpenAiCompatible(fake.baseUrl, KEY, policy)).toEqual({ ok: true, models: ["fake-chat"] });
    expect(await testOpenAiCompatible(`http://localhost:${fakePort}/v1`, KEY, policy)).toEqual({ ok: true, models: ["fake-chat"] });
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    await policy.close();
  });

  it("describes a provider's failure in Keel's words, never echoing its body", async () => {
    const policy = createOutboundPolicy(`127.0.0.1:${fakePort}`, { lookup });
    fake.fail({ kind: "status", status: 500, message: "pg: password authentication failed for user keel at 10.1.2.3" });
    const failed = await testOpenAiCompatible(fake.baseUrl, KEY, policy);
    expect(failed).toEqual({ ok: false, error: "The provider answered HTTP 500: the provider failed." });
    const wrongKey = await testOpenAiCompatible(fake.baseUrl, "sk-wrong", policy);
    expect(wrongKey).toEqual({ ok: false, error: "The provider answered HTTP 401: it refused the API key." });
    expect(JSON.stringify([failed, wrongKey])).not.toMatch(/10\.1\.2\.3|password|Incorrect API key/);
    await policy.close();
  });

  it("says what went wrong when nothing answers", async () => {
    const closed = await serve(() => {}, "127.0.0.1");
    await new Promise<void>((r) => closed.server.close(() => r()));
    const policy = createOutboundPolicy(`127.0.0.1:${closed.port}`, { lookup });
    expect(await testOpenAiCompatible(`http://127.0.0.1:${closed.port}/v1`, null, policy)).toEqual({ ok: false, error: "Could not reach the provider (ECONNREFUSED)." });
    expect(await testOpenAiCompatible("https://nowhere.keel.test/v1", null, policy)).toEqual({ ok: false, error: "Keel could not resolve nowhere.keel.test (ENOTFOUND)." });
    await policy.close();
  });
});
