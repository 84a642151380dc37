import dns from "node:dns";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as testProviderRoute } from "@/app/api/t/[tenant]/providers/[providerId]/test/route";
import { db } from "@/lib/db/client";
import { decryptSecret, providerKeyBinding } from "@/lib/secrets/secrets";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { FAKE_PROVIDER_KEY, seedProvider } from "@/lib/testing/gateway-factories";
import { createProvider, updateProvider } from "./actions";

// The console's side of providers under the outbound policy (KEEL_OUTBOUND_ALLOW, read by the
// Next side from the environment): field errors at save time, a key that does not follow a new
// origin, and Test connection through the route. Only literal loopback addresses and `localhost`
// (from /etc/hosts) are used: no lookup leaves the machine, and nothing is dialled but loopback.

const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "providers-test" }),
  cookies: async () => ({ getAll: () => (request.cookie ? [{ name: "next-auth.session-token", value: request.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "providers-test-secret-providers";

useTestDatabase();

let fake: FakeOpenAI;
let fakePort = 0;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
  fakePort = Number(new URL(fake.baseUrl).port);
});
afterEach(() => {
  fake.reset();
  delete process.env.KEEL_OUTBOUND_ALLOW;
  vi.restoreAllMocks();
});
afterAll(() => fake.close());

async function owned() {
  const tenant = await seedTenant();
  const { user } = await seedMember(tenant, "OWNER");
  return { tenant, owner: user, as: callerFor(user) };
}
const stored = (id: string) => db().provider.findUniqueOrThrow({ where: { id } });

describe("saving a provider", () => {
  it.each([
    ["http://127.0.0.1:11434/v1", "(127.0.0.1 is loopback). To allow a local model server, set KEEL_OUTBOUND_ALLOW=127.0.0.1"],
    ["http://169.254.169.254/latest", "(169.254.169.254 is the cloud metadata address)"],
    ["http://[::ffff:127.0.0.1]:8000/v1", "(::ffff:7f00:1 is loopback, IPv4-mapped)"],
    ["http://localhost:11434/v1", "(localhost resolves to"],
    ["http://10.0.0.1/v1", "(10.0.0.1 is private)"],
    ["https://user:sk-in-the-url@api.example.test/v1", "Leave credentials out of the URL"],
    ["https://api.example.test@127.0.0.1/v1", "Leave credentials out of the URL"],
  ])("refuses %s as a field error, and creates nothing", async (baseUrl, why) => {
    const { tenant, as } = await owned();
    const events = await db().auditEvent.count({ where: { tenantId: tenant.id } });
    const r = await createProvider.runAs(as, { tenant: tenant.slug, name: "local", baseUrl, apiKey: "sk-x" });
    expect(r).toMatchObject({ ok: false, fieldErrors: { baseUrl: [expect.stringContaining(why)] } });
    expect(await db().provider.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db().auditEvent.count({ where: { tenantId: tenant.id } })).toBe(events);
  });

  it("accepts what the allow-list admits, and seals the key to the new row", async () => {
    process.env.KEEL_OUTBOUND_ALLOW = "127.0.0.1";
    const { tenant, as } = await owned();
    const r = await createProvider.runAs(as, { tenant: tenant.slug, name: "local", baseUrl: fake.baseUrl, apiKey: "sk-local" });
    if (!r.ok) throw new Error(r.error);
    const row = await stored(r.data.providerId);
    expect(row.apiKeySealed).toMatch(/^v2\./);
    expect(decryptSecret(row.apiKeySealed!, providerKeyBinding(row))).toBe("sk-local");
    expect(() => decryptSecret(row.apiKeySealed!, { ...providerKeyBinding(row), rowId: "another" })).toThrow();
  });

  it("accepts a host that does not resolve yet: every call checks again", async () => {
    vi.spyOn(dns.promises, "lookup").mockRejectedValue(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    const { tenant, as } = await owned();
    const r = await createProvider.runAs(as, { tenant: tenant.slug, name: "later", baseUrl: "https://models.not-yet.test/v1" });
    expect(r.ok).toBe(true);
  });
});

describe("changing a provider's base URL", () => {
  async function withKey() {
    process.env.KEEL_OUTBOUND_ALLOW = "127.0.0.1";
    const ctx = await owned();
    const provider = await seedProvider(ctx.tenant, { baseUrl: `http://127.0.0.1:${fakePort}/v1`, apiKey: "sk-original" });
    return { ...ctx, provider };
  }

  it("keeps the key when only the path changes", async () => {
    const { tenant, as, provider } = await withKey();
    const r = await updateProvider.runAs(as, { tenant: tenant.slug, providerId: provider.id, baseUrl: `http://127.0.0.1:${fakePort}/openai/v1/` });
    expect(r.ok).toBe(true);
    expect(await stored(provider.id)).toMatchObject({ baseUrl: `http://127.0.0.1:${fakePort}/openai/v1`, apiKeySealed: provider.apiKeySealed });
  });

  it("asks for the key again when the origin changes, and changes nothing until it is given", async () => {
    const { tenant, as, provider } = await withKey();
    const newOrigin = `http://127.0.0.1:${fakePort + 1}/v1`;
    for (const baseUrl of [newOrigin, `https://127.0.0.1:${fakePort}/v1`, "http://localhost/v1"]) {
      const r = await updateProvider.runAs(as, { tenant: tenant.slug, providerId: provider.id, baseUrl });
      expect(r, baseUrl).toMatchObject({ ok: false, fieldErrors: { apiKey: [expect.stringMatching(/enter the key for .*, or remove the stored key/)] } });
    }
    expect(await stored(provider.id)).toMatchObject({ baseUrl: provider.baseUrl, apiKeySealed: provider.apiKeySealed });

    const cleared = await updateProvider.runAs(as, { tenant: tenant.slug, providerId: provider.id, baseUrl: newOrigin, clearApiKey: "true" });
    expect(cleared.ok).toBe(true);
    expect(await stored(provider.id)).toMatchObject({ baseUrl: newOrigin, apiKeySealed: null });

    const rekeyed = await updateProvider.runAs(as, { tenant: tenant.slug, providerId: provider.id, baseUrl: fake.baseUrl, apiKey: "sk-new" });
    expect(rekeyed.ok).toBe(true);
    const row = await stored(provider.id);
    expect(decryptSecret(row.apiKeySealed!, providerKeyBinding(row))).toBe("sk-new");
  });

  it("reports a refused address and the kept key together", async () => {
    const { tenant, as, provider } = await withKey();
    const r = await updateProvider.runAs(as, { tenant: tenant.slug, providerId: provider.id, baseUrl: "http://169.254.169.254/v1" });
    expect(r).toMatchObject({
      ok: false,
      fieldErrors: { baseUrl: [expect.stringContaining("the cloud metadata address")], apiKey: [expect.any(String)] },
    });
    expect(await stored(provider.id)).toMatchObject({ baseUrl: provider.baseUrl, apiKeySealed: provider.apiKeySealed });
  });
});

describe("Test connection route", () => {
  async function signedIn() {
    const ctx = await owned();
    const user = await db().user.findUniqueOrThrow({ where: { id: ctx.owner.id } });
    request.cookie = await encode({ token: { uid: user.id, sv: user.sessionVersion, email: user.email }, secret: process.env.NEXTAUTH_SECRET! });
    return ctx;
  }
  const test = async (tenant: { slug: string }, provider: { id: string }) => {
    const res = await testProviderRoute(new Request(`http://keel.test/api/t/${tenant.slug}/providers/${provider.id}/test`, { method: "POST" }), {
      params: Promise.resolve({ tenant: tenant.slug, providerId: provider.id }),
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  it("refuses a loopback provider unless the allow-list admits it", async () => {
    const { tenant } = await signedIn();
    const provider = await seedProvider(tenant, { baseUrl: fake.baseUrl, apiKey: FAKE_PROVIDER_KEY });
    expect(await test(tenant, provider)).toEqual({ ok: false, error: expect.stringContaining("(127.0.0.1 is loopback)") });
    expect(fake.requests).toEqual([]);
    process.env.KEEL_OUTBOUND_ALLOW = `127.0.0.1:${fakePort}`;
    expect(await test(tenant, provider)).toEqual({ ok: true, models: ["fake-chat"] });
  });

  it("shows a provider's failure without its body", async () => {
    process.env.KEEL_OUTBOUND_ALLOW = "127.0.0.1";
    const { tenant } = await signedIn();
    const provider = await seedProvider(tenant, { baseUrl: fake.baseUrl, apiKey: FAKE_PROVIDER_KEY });
    fake.fail({ kind: "status", status: 503, message: "upstream db-internal-7.corp:5432 refused" });
    const body = await test(tenant, provider);
    expect(body).toEqual({ ok: false, error: "The provider answered HTTP 503: the provider failed." });
  });

  it("a base URL changed straight in the database leaves the key sealed for the old origin: nothing is sent", async () => {
    process.env.KEEL_OUTBOUND_ALLOW = "127.0.0.1";
    const { tenant } = await signedIn();
    // Sealed for another origin of the allowed host; the row is then pointed at the fake (the "attacker's" server).
    const provider = await seedProvider(tenant, { baseUrl: `http://127.0.0.1:${fakePort + 1}/v1`, apiKey: FAKE_PROVIDER_KEY });
    await db().provider.update({ where: { id: provider.id }, data: { baseUrl: fake.baseUrl } });
    expect(await test(tenant, provider)).toEqual({ ok: false, error: expect.stringMatching(/cannot decrypt this provider's stored key/) });
    expect(fake.requests).toEqual([]);
  });

  it("a key copied in from another tenant's provider does not open, and nothing is sent", async () => {
    process.env.KEEL_OUTBOUND_ALLOW = "127.0.0.1";
    const victim = await seedProvider(await seedTenant(), { baseUrl: fake.baseUrl, apiKey: FAKE_PROVIDER_KEY });
    const { tenant } = await signedIn();
    const mine = await seedProvider(tenant, { baseUrl: fake.baseUrl, apiKey: "sk-mine" });
    await db().provider.update({ where: { id: mine.id }, data: { apiKeySealed: victim.apiKeySealed } });
    expect(await test(tenant, mine)).toEqual({ ok: false, error: expect.stringMatching(/cannot decrypt this provider's stored key/) });
    expect(fake.requests).toEqual([]);
  });
});
