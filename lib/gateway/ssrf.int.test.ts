import http from "node:http";
import net from "node:net";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { FAKE_PROVIDER_KEY, seedGatewayTenant, startTestGateway, type TestGateway } from "@/lib/testing/gateway-factories";

// Gateway forwarding against the outbound policy, with real servers on loopback. Addresses that
// are not loopback (10.0.0.1, 169.254.169.254) are refused before any socket is opened: the
// net.connect spy shows nothing but loopback was ever dialled.

useTestDatabase();

type ApiError = InstanceType<typeof OpenAI.APIError>;
const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi there" }] });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as ApiError);
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

let fake: FakeOpenAI;
let fakePort = 0;
let v6: { server: http.Server; port: number; hits: number };
let redirector: { server: http.Server; port: number; hits: number };
let strict: TestGateway;
let allowed: TestGateway;

async function serve(handler: http.RequestListener, host: string) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as net.AddressInfo).port, hits: 0 };
}

beforeAll(async () => {
  vi.spyOn(net, "connect");
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
  fakePort = Number(new URL(fake.baseUrl).port);
  v6 = await serve((_req, res) => (v6.hits++, res.end("{}")), "::1");
  redirector = await serve((req, res) => {
    redirector.hits++;
    res.writeHead(307, { location: `http://127.0.0.1:${fakePort}${req.url}` }).end();
  }, "127.0.0.1");
  strict = await startTestGateway({ outboundAllow: "" });
  allowed = await startTestGateway({ outboundAllow: `127.0.0.1:${fakePort},127.0.0.1:${redirector.port}` });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await strict?.close();
  await allowed?.close();
  await fake?.close();
  for (const s of [v6?.server, redirector?.server]) s?.close();
  vi.restoreAllMocks();
});

describe("forwarding under the outbound policy", () => {
  const refused: [string, () => string][] = [
    ["loopback 127.0.0.1", () => `http://127.0.0.1:${fakePort}/v1`],
    ["private 10.0.0.1", () => "http://10.0.0.1:8000/v1"],
    ["the metadata address", () => "http://169.254.169.254/v1"],
    ["IPv6 loopback [::1]", () => `http://[::1]:${v6.port}/v1`],
    ["IPv4-mapped [::ffff:127.0.0.1]", () => `http://[::ffff:127.0.0.1]:${fakePort}/v1`],
    ["a name that resolves to loopback", () => `http://localhost:${fakePort}/v1`],
  ];
  for (const [what, url] of refused) {
    it(`refuses ${what} with a 502 that names no address`, async () => {
      const s = await seedGatewayTenant(url());
      const error = await failure(strict.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
      expect(error.status).toBe(502);
      expect(error.code).toBe("provider_address_refused");
      expect(error.message).toContain("KEEL_OUTBOUND_ALLOW");
      expect(error.message).not.toMatch(/127\.0\.0\.1|10\.0\.0\.1|169\.254|::1|ffff|localhost/);
      // Refused once, not retried: the address would be the same on every try.
      expect(await db().requestRecord.findUniqueOrThrow({ where: { id: error.headers!.get("x-request-id")! } })).toMatchObject({
        status: 502,
        errorCode: "provider_address_refused",
        attempts: 1,
      });
      expect(fake.requests).toEqual([]);
      expect(v6.hits).toBe(0);
    });
  }

  it("streams are refused the same way", async () => {
    const s = await seedGatewayTenant(`http://127.0.0.1:${fakePort}/v1`);
    const error = await failure(strict.client(s.secret).chat.completions.create({ ...hi(s.endpoint.name), stream: true }));
    expect(error.status).toBe(502);
    expect(error.code).toBe("provider_address_refused");
    expect(fake.requests).toEqual([]);
  });

  it("does not follow a redirect from an allowed server to loopback", async () => {
    const s = await seedGatewayTenant(`http://127.0.0.1:${redirector.port}/v1`);
    const before = redirector.hits;
    const error = await failure(allowed.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(502);
    expect(redirector.hits).toBeGreaterThan(before);
    expect(fake.requests).toEqual([]);
  });

  it("the allow-list admits the test upstream", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const answer = await allowed.client(s.secret).chat.completions.create(hi(s.endpoint.name));
    expect(answer.choices[0].message.content).toBe("echo: hi there");
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${FAKE_PROVIDER_KEY}`]);
  });

  it("never dialled anything but loopback", () => {
    const hosts = vi.mocked(net.connect).mock.calls.map((args) => (args[0] as { host?: string; path?: string }).host ?? "(socket path)");
    expect(hosts).toContain("127.0.0.1"); // the spy sees the gateway's connections
    expect(hosts.filter((h) => h !== "(socket path)" && !LOOPBACK.has(h))).toEqual([]);
  });
});

describe("a provider row pointed at another host in the database", () => {
  it("keeps its key sealed for the old origin: the gateway answers 502 and sends nothing", async () => {
    // The key was entered for the redirector's origin; someone with the database password then
    // points the row at the fake (standing in for their own server) to receive it.
    const s = await seedGatewayTenant(`http://127.0.0.1:${redirector.port}/v1`);
    await db().provider.update({ where: { id: s.provider.id }, data: { baseUrl: fake.baseUrl } });
    const error = await failure(allowed.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error.status).toBe(502);
    expect(error.code).toBe("provider_misconfigured");
    expect(fake.requests).toEqual([]);
  });
});

describe("a stored key moved to another tenant's provider", () => {
  it("does not open there: the gateway answers 502 and sends nothing, with or without the key", async () => {
    const victim = await seedGatewayTenant(fake.baseUrl);
    // Someone with the database password copies the victim's sealed key into their own provider,
    // whose base URL they chose (here the fake, standing in for their own server).
    const attacker = await seedGatewayTenant(fake.baseUrl, { providerApiKey: "sk-attacker" });
    const sealed = (await db().provider.findUniqueOrThrow({ where: { id: victim.provider.id } })).apiKeySealed;
    await db().provider.update({ where: { id: attacker.provider.id }, data: { apiKeySealed: sealed } });

    const error = await failure(allowed.client(attacker.secret).chat.completions.create(hi(attacker.endpoint.name)));
    expect(error.status).toBe(502);
    expect(error.code).toBe("provider_misconfigured");
    expect(error.message).toMatch(/cannot decrypt the provider's API key/);
    expect(fake.requests).toEqual([]);

    // The same value where it belongs still opens.
    const answer = await allowed.client(victim.secret).chat.completions.create(hi(victim.endpoint.name));
    expect(answer.choices[0].message.content).toBe("echo: hi there");
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${FAKE_PROVIDER_KEY}`]);
  });
});
