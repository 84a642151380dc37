import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { addBuiltinProvider, createProvider } from "@/lib/providers/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { activateVersion, addVersion, createEndpoint, setFallbackVersions, updateEndpoint } from "./actions";

useTestDatabase();

async function setup() {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  const { user: dev } = await seedMember(tenant, "DEVELOPER");
  const p = await createProvider.runAs(callerFor(owner), { tenant: tenant.slug, name: "OpenAI", baseUrl: "https://api.openai.com/v1/", apiKey: "sk-test-123" });
  if (!p.ok) throw new Error(p.error);
  return { tenant, owner, dev, providerId: p.data.providerId };
}

/** A version's fields without prices: what a developer sends. */
const version = (providerId: string, label = "v1") => ({ label, providerId, providerModel: "gpt-4o-mini", params: '{"temperature":0.2}' });
/** Prices, which only a manager may send. */
const prices = { inputPricePerMTok: "0.15", outputPricePerMTok: "0.60" };

describe("endpoints and versions", () => {
  it("creates an endpoint whose first version answers, and records it", async () => {
    const { tenant, owner, providerId } = await setup();
    const r = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "support-chat", kind: "CHAT", ...version(providerId), ...prices });
    expect(r).toMatchObject({ ok: true, data: { name: "support-chat" } });
    const e = await db().endpoint.findFirstOrThrow({ where: { tenantId: tenant.id, name: "support-chat" }, include: { activeVersion: true } });
    expect(e.activeVersion).toMatchObject({ label: "v1", providerModel: "gpt-4o-mini", params: { temperature: 0.2 } });
    expect(e.activeVersion!.inputPricePerMTok.toString()).toBe("0.15");
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "endpoint.created" } });
    expect(event.after).toMatchObject({ name: "support-chat", activeVersion: { label: "v1", providerModel: "gpt-4o-mini" } });
  });

  it("reports every bad field at once: name, prices, params JSON, provider", async () => {
    const { tenant, dev } = await setup();
    const r = await createEndpoint.runAs(callerFor(dev), {
      tenant: tenant.slug, name: "Bad Name", kind: "CHAT", label: "", providerId: "", providerModel: "",
      params: "[1,2]", inputPricePerMTok: "-1", outputPricePerMTok: "abc",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(
      ["inputPricePerMTok", "label", "name", "outputPricePerMTok", "params", "providerId", "providerModel"].sort(),
    );
    expect(await db().endpoint.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("refuses another tenant's provider", async () => {
    const { tenant, dev } = await setup();
    const other = await setup();
    const r = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "x-chat", kind: "CHAT", ...version(other.providerId), ...prices });
    expect(r).toMatchObject({ ok: false, fieldErrors: { providerId: [expect.any(String)] } });
  });

  it("adds a version, switches the active one, disables and enables the endpoint", async () => {
    const { tenant, owner, dev, providerId } = await setup();
    const c = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "chat", kind: "CHAT", ...version(providerId), ...prices });
    if (!c.ok) throw new Error(c.error);
    const endpointId = c.data.endpointId;
    const dup = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, ...version(providerId, "v1") });
    expect(dup).toMatchObject({ ok: false, fieldErrors: { label: [expect.any(String)] } });
    const v2 = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, ...version(providerId, "v2") });
    if (!v2.ok) throw new Error(v2.error);
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).activeVersionId).not.toBe(v2.data.versionId);
    const a = await activateVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionId: v2.data.versionId });
    expect(a.ok).toBe(true);
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).activeVersionId).toBe(v2.data.versionId);
    await updateEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, enabled: "false" });
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).disabledAt).not.toBeNull();
    await updateEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, enabled: "true" });
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).disabledAt).toBeNull();
    const actions = (await db().auditEvent.findMany({ where: { tenantId: tenant.id, resourceId: endpointId }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["endpoint.created", "endpoint.version_added", "endpoint.version_activated", "endpoint.disabled", "endpoint.enabled"]);
  });
});

describe("fallback versions", () => {
  /** An endpoint with versions v1 (active), v2, v3 and v4. */
  async function withVersions() {
    const s = await setup();
    const c = await createEndpoint.runAs(callerFor(s.owner), { tenant: s.tenant.slug, name: "chat", kind: "CHAT", ...version(s.providerId), ...prices });
    if (!c.ok) throw new Error(c.error);
    const ids: Record<string, string> = {};
    for (const label of ["v2", "v3", "v4"]) {
      const v = await addVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, endpointId: c.data.endpointId, ...version(s.providerId, label) });
      if (!v.ok) throw new Error(v.error);
      ids[label] = v.data.versionId;
    }
    const endpoint = await db().endpoint.findUniqueOrThrow({ where: { id: c.data.endpointId } });
    return { ...s, endpointId: endpoint.id, activeId: endpoint.activeVersionId!, ids };
  }
  const fallbacksOf = async (endpointId: string) => (await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).fallbackVersionIds;

  it("sets the order the gateway tries them in, and records it", async () => {
    const { tenant, dev, endpointId, ids } = await withVersions();
    const r = await setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds: [ids.v3, ids.v2] });
    expect(r).toMatchObject({ ok: true, data: { versionIds: [ids.v3, ids.v2] } });
    expect(await fallbacksOf(endpointId)).toEqual([ids.v3, ids.v2]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "endpoint.fallbacks_set" } });
    expect(event).toMatchObject({ resourceId: endpointId, before: { fallbackVersionIds: [] }, after: { fallbackVersionIds: [ids.v3, ids.v2], labels: ["v3", "v2"] } });

    // As a form posts it: one select per place, an empty place left out.
    const form = new FormData();
    for (const [k, v] of [["tenant", tenant.slug], ["endpointId", endpointId], ["versionIds", ""], ["versionIds", ids.v4], ["versionIds", ids.v2]]) form.append(k, v);
    expect(await setFallbackVersions.runAs(callerFor(dev), form)).toMatchObject({ ok: true });
    expect(await fallbacksOf(endpointId)).toEqual([ids.v4, ids.v2]);

    expect(await setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds: [] })).toMatchObject({ ok: true });
    expect(await fallbacksOf(endpointId)).toEqual([]);
  });

  it("refuses another endpoint's version, a duplicate, the active version or a fourth, and changes nothing", async () => {
    const { tenant, owner, dev, endpointId, activeId, ids, providerId } = await withVersions();
    await setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds: [ids.v2] });
    const other = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "other", kind: "CHAT", ...version(providerId), ...prices });
    if (!other.ok) throw new Error(other.error);
    const otherVersion = (await db().endpoint.findUniqueOrThrow({ where: { id: other.data.endpointId } })).activeVersionId!;
    const stranger = await withVersions();
    const eventsBefore = await db().auditEvent.count({ where: { tenantId: tenant.id } });

    const attempt = (versionIds: string[]) => setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds });
    expect(await attempt([ids.v3, otherVersion])).toMatchObject({
      ok: false, error: "Not found: a fallback must be a version of this endpoint.", fieldErrors: { versionIds: ["Pick versions of this endpoint"] },
    });
    expect(await attempt([stranger.ids.v2])).toMatchObject({ ok: false, error: "Not found: a fallback must be a version of this endpoint." });
    expect(await attempt([ids.v3, ids.v3])).toMatchObject({ ok: false, fieldErrors: { versionIds: ["Choose each version at most once"] } });
    expect(await attempt([ids.v3, activeId])).toMatchObject({
      ok: false, error: "v1 is the active version; it cannot also be a fallback.", fieldErrors: { versionIds: [expect.any(String)] },
    });
    expect(await attempt([ids.v2, ids.v3, ids.v4, otherVersion])).toMatchObject({
      ok: false, fieldErrors: { versionIds: ["Choose at most 3 fallback versions"] },
    });

    expect(await fallbacksOf(endpointId)).toEqual([ids.v2]);
    expect(await db().auditEvent.count({ where: { tenantId: tenant.id } })).toBe(eventsBefore);
  });

  it("activating a fallback takes it out of the list, in the same change", async () => {
    const { tenant, dev, endpointId, activeId, ids } = await withVersions();
    await setFallbackVersions.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionIds: [ids.v2, ids.v3, ids.v4] });
    const a = await activateVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId, versionId: ids.v3 });
    expect(a.ok).toBe(true);
    const endpoint = await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(endpoint.activeVersionId).toBe(ids.v3);
    expect(endpoint.fallbackVersionIds).toEqual([ids.v2, ids.v4]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "endpoint.version_activated" } });
    expect(event).toMatchObject({
      before: { activeVersionId: activeId, fallbackVersionIds: [ids.v2, ids.v3, ids.v4] },
      after: { activeVersionId: ids.v3, fallbackVersionIds: [ids.v2, ids.v4] },
    });
  });
});

describe("providers", () => {
  it("seals the API key at rest and keeps it out of the audit trail", async () => {
    const { tenant, providerId } = await setup();
    const row = await db().provider.findUniqueOrThrow({ where: { id: providerId } });
    expect(row.baseUrl).toBe("https://api.openai.com/v1");
    expect(row.apiKeySealed).toMatch(/^v2\./);
    expect(row.apiKeySealed).not.toContain("sk-test-123");
    const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(JSON.stringify(events)).not.toContain("sk-test-123");
  });

  it("adds the built-in demo models once, and offers only their models, of the endpoint's kind", async () => {
    const { tenant, owner, dev } = await setup();
    const added = await addBuiltinProvider.runAs(callerFor(owner), { tenant: tenant.slug });
    if (!added.ok) throw new Error(added.error);
    const again = await addBuiltinProvider.runAs(callerFor(owner), { tenant: tenant.slug });
    expect(again).toMatchObject({ ok: false, error: expect.stringMatching(/already has the built-in provider/) });
    expect(await db().provider.count({ where: { tenantId: tenant.id, kind: "BUILTIN" } })).toBe(1);
    expect(await db().auditEvent.count({ where: { tenantId: tenant.id, action: "provider.created", resourceId: added.data.providerId } })).toBe(1);

    const builtin = { ...version(added.data.providerId), params: "" };
    const unknown = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "tiny", kind: "CHAT", ...builtin });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { providerModel: [expect.stringContaining("tinyllama-1.1b-chat")] } });
    const wrongKind = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "tiny", kind: "EMBEDDINGS", ...builtin, providerModel: "tinyllama-1.1b-chat" });
    expect(wrongKind).toMatchObject({ ok: false, fieldErrors: { providerModel: [expect.stringContaining("use-lite-512")] } });
    const ok = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "tiny", kind: "CHAT", ...builtin, providerModel: "tinyllama-1.1b-chat" });
    expect(ok.ok).toBe(true);
    expect(await db().endpoint.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});
