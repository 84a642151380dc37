import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { addBuiltinProvider } from "@/lib/providers/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { FAKE_PROVIDER_KEY, seedApiKey, seedProvider, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { activateVersion, addVersion, createEndpoint, setFallbackVersions, setVersionPrices } from "./actions";

useTestDatabase();

// No caching, so the gateway sees each price change at once.
const harness = useGatewayHarness({ cacheTtlMs: 0 });

async function setup(baseUrl = "https://api.openai.com/v1") {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  const { user: admin } = await seedMember(tenant, "ADMIN");
  const { user: dev } = await seedMember(tenant, "DEVELOPER");
  const provider = await seedProvider(tenant, { baseUrl, apiKey: FAKE_PROVIDER_KEY });
  return { tenant, owner, admin, dev, providerId: provider.id };
}

const version = (providerId: string, label = "v1", providerModel = "fake-chat") => ({ label, providerId, providerModel });
const prices = { inputPricePerMTok: "0.15", outputPricePerMTok: "0.60" };
const countRows = async (tenantId: string) => ({
  versions: await db().modelVersion.count({ where: { tenantId } }),
  endpoints: await db().endpoint.findMany({ where: { tenantId }, select: { activeVersionId: true, fallbackVersionIds: true } }),
  events: await db().auditEvent.count({ where: { tenantId } }),
});

describe("who sets prices", () => {
  it("refuses prices from a developer, with a field error on each, and changes nothing", async () => {
    const { tenant, owner, dev, providerId } = await setup();
    const c = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "chat", kind: "CHAT", ...version(providerId), ...prices });
    if (!c.ok) throw new Error(c.error);
    const before = await countRows(tenant.id);
    const free = { inputPricePerMTok: "0", outputPricePerMTok: "0" };
    for (const r of [
      await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "free-ride", kind: "CHAT", ...version(providerId), ...free }),
      await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId: c.data.endpointId, ...version(providerId, "v2", "other-model"), ...free, activate: "true" }),
    ]) {
      expect(r).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^Forbidden: only an owner or admin may set prices/),
        fieldErrors: { inputPricePerMTok: [expect.any(String)], outputPricePerMTok: [expect.any(String)] },
      });
    }
    const priced = await setVersionPrices.runAs(callerFor(dev), { tenant: tenant.slug, endpointId: c.data.endpointId, versionId: "x", ...free });
    expect(priced).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden: the Developer role may not set the prices/) });
    expect(await countRows(tenant.id)).toEqual(before);
  });

  it("gives a developer's version the active version's prices for the same model, nothing on the built-in provider, and otherwise none", async () => {
    const { tenant, owner, dev, providerId } = await setup();
    const c = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "chat", kind: "CHAT", ...version(providerId), ...prices });
    if (!c.ok) throw new Error(c.error);
    const endpointId = c.data.endpointId;
    const same = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, ...version(providerId, "v2"), params: '{"temperature":0}' });
    const other = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, ...version(providerId, "v3", "dearer-model") });
    const builtin = await addBuiltinProvider.runAs(callerFor(owner), { tenant: tenant.slug });
    if (!same.ok || !other.ok || !builtin.ok) throw new Error("setup failed");
    const tiny = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "tiny", kind: "CHAT", ...version(builtin.data.providerId, "b1", "tinyllama-1.1b-chat") });
    expect(tiny).toMatchObject({ ok: true, data: { awaitingPrices: false } });

    const row = (id: string) => db().modelVersion.findUniqueOrThrow({ where: { id } });
    expect(same.data.awaitingPrices).toBe(false);
    expect(await row(same.data.versionId)).toMatchObject({ priced: true });
    expect((await row(same.data.versionId)).outputPricePerMTok.toString()).toBe("0.6");
    expect(other.data.awaitingPrices).toBe(true);
    expect(await row(other.data.versionId)).toMatchObject({ priced: false });
    const tinyVersion = await db().endpoint.findUniqueOrThrow({ where: { id: (tiny as { data: { endpointId: string } }).data.endpointId }, include: { activeVersion: true } });
    expect(tinyVersion.activeVersion).toMatchObject({ priced: true });
    expect(tinyVersion.activeVersion!.inputPricePerMTok.toString()).toBe("0");

    // The unpriced one cannot answer in any role, and each refusal names the fix.
    const before = await countRows(tenant.id);
    const fix = /v3 has no prices yet, so it cannot be .*: a manager \(owner or admin\) must set its prices\./;
    expect(await activateVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionId: other.data.versionId })).toMatchObject({ ok: false, error: expect.stringMatching(fix) });
    expect(await activateVersion.runAs(callerFor(owner), { tenant: tenant.slug, endpointId, versionId: other.data.versionId })).toMatchObject({ ok: false, error: expect.stringMatching(fix) });
    expect(await setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds: [same.data.versionId, other.data.versionId] })).toMatchObject({
      ok: false, error: expect.stringMatching(fix), fieldErrors: { versionIds: [expect.stringMatching(fix)] },
    });
    const activateNew = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, ...version(providerId, "v4", "new-model"), activate: "true" });
    expect(activateNew).toMatchObject({ ok: false, error: expect.stringMatching(/v4 has no prices yet, so it cannot be made active/), fieldErrors: { activate: [expect.any(String)] } });
    expect(await countRows(tenant.id)).toEqual(before);

    // A manager who sends only one price is asked for both.
    const half = await addVersion.runAs(callerFor(owner), { tenant: tenant.slug, endpointId, ...version(providerId, "v5", "new-model"), inputPricePerMTok: "1" });
    expect(half).toMatchObject({ ok: false, fieldErrors: { outputPricePerMTok: [expect.any(String)] } });
  });
});

describe("a developer's endpoint waits for a manager's prices", () => {
  it("has no active version and answers 404 until a manager prices it; then it answers, and the audit trail shows before and after", async () => {
    const { tenant, admin, dev, providerId } = await setup(harness.fake.baseUrl);
    const c = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "dev-chat", kind: "CHAT", ...version(providerId) });
    expect(c).toMatchObject({ ok: true, data: { awaitingPrices: true } });
    if (!c.ok) return;
    const endpoint = await db().endpoint.findUniqueOrThrow({ where: { id: c.data.endpointId }, include: { versions: true } });
    expect(endpoint.activeVersionId).toBeNull();
    const created = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "endpoint.created" } });
    expect(created.after).toMatchObject({ activeVersion: null, versionAwaitingPrices: { label: "v1", priced: false } });

    const { secret } = await seedApiKey(tenant);
    const client = harness.gateway.client(secret);
    const hi = { model: "dev-chat", messages: [{ role: "user" as const, content: "hi" }] };
    const waiting = await client.chat.completions.create(hi).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(OpenAI.NotFoundError);
    expect(harness.fake.requests).toHaveLength(0);

    const missing = await setVersionPrices.runAs(callerFor(admin), { tenant: tenant.slug, endpointId: endpoint.id, versionId: endpoint.versions[0].id });
    expect(missing).toMatchObject({ ok: false, fieldErrors: { inputPricePerMTok: [expect.any(String)], outputPricePerMTok: [expect.any(String)] } });
    const r = await setVersionPrices.runAs(callerFor(admin), { tenant: tenant.slug, endpointId: endpoint.id, versionId: endpoint.versions[0].id, ...prices });
    expect(r).toMatchObject({ ok: true, data: { activated: true } });
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "endpoint.version_priced" } });
    expect(event).toMatchObject({
      resourceId: endpoint.id,
      before: { label: "v1", inputPricePerMTok: "0", outputPricePerMTok: "0", priced: false },
      after: { label: "v1", inputPricePerMTok: "0.15", outputPricePerMTok: "0.6", priced: true, activated: true },
    });
    await expect(client.chat.completions.create(hi)).resolves.toMatchObject({ object: "chat.completion" });
    const record = await db().requestRecord.findFirstOrThrow({ where: { tenantId: tenant.id, status: 200 } });
    expect(Number(record.costUsd)).toBeGreaterThan(0);

    // Repricing the active version is a change too, and activates nothing new.
    const again = await setVersionPrices.runAs(callerFor(admin), { tenant: tenant.slug, endpointId: endpoint.id, versionId: endpoint.versions[0].id, inputPricePerMTok: "1", outputPricePerMTok: "2" });
    expect(again).toMatchObject({ ok: true, data: { activated: false } });
  });

  it("refuses another tenant's version by id, as not found", async () => {
    const a = await setup();
    const b = await setup();
    const c = await createEndpoint.runAs(callerFor(a.dev), { tenant: a.tenant.slug, name: "waiting", kind: "CHAT", ...version(a.providerId) });
    if (!c.ok) throw new Error(c.error);
    const versionId = (await db().modelVersion.findFirstOrThrow({ where: { endpointId: c.data.endpointId } })).id;
    const before = await countRows(a.tenant.id);
    const own = await createEndpoint.runAs(callerFor(b.owner), { tenant: b.tenant.slug, name: "mine", kind: "CHAT", ...version(b.providerId), ...prices });
    if (!own.ok) throw new Error(own.error);
    for (const endpointId of [c.data.endpointId, own.data.endpointId]) {
      const r = await setVersionPrices.runAs(callerFor(b.owner), { tenant: b.tenant.slug, endpointId, versionId, ...prices });
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    }
    expect(await countRows(a.tenant.id)).toEqual(before);
  });
});
