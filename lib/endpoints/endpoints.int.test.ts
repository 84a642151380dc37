import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createProvider } from "@/lib/providers/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { activateVersion, addVersion, createEndpoint, updateEndpoint } from "./actions";

useTestDatabase();

async function setup() {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  const { user: dev } = await seedMember(tenant, "DEVELOPER");
  const p = await createProvider.runAs(callerFor(owner), { tenant: tenant.slug, name: "OpenAI", baseUrl: "https://api.openai.com/v1/", apiKey: "sk-test-123" });
  if (!p.ok) throw new Error(p.error);
  return { tenant, owner, dev, providerId: p.data.providerId };
}

const version = (providerId: string, label = "v1") => ({
  label, providerId, providerModel: "gpt-4o-mini", params: '{"temperature":0.2}', inputPricePerMTok: "0.15", outputPricePerMTok: "0.60",
});

describe("endpoints and versions", () => {
  it("creates an endpoint whose first version answers, and records it", async () => {
    const { tenant, dev, providerId } = await setup();
    const r = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "support-chat", kind: "CHAT", ...version(providerId) });
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
    const r = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "x-chat", kind: "CHAT", ...version(other.providerId) });
    expect(r).toMatchObject({ ok: false, fieldErrors: { providerId: [expect.any(String)] } });
  });

  it("adds a version, switches the active one, disables and enables the endpoint", async () => {
    const { tenant, dev, providerId } = await setup();
    const c = await createEndpoint.runAs(callerFor(dev), { tenant: tenant.slug, name: "chat", kind: "CHAT", ...version(providerId) });
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

describe("providers", () => {
  it("seals the API key at rest and keeps it out of the audit trail", async () => {
    const { tenant, providerId } = await setup();
    const row = await db().provider.findUniqueOrThrow({ where: { id: providerId } });
    expect(row.baseUrl).toBe("https://api.openai.com/v1");
    expect(row.apiKeySealed).toMatch(/^v1\./);
    expect(row.apiKeySealed).not.toContain("sk-test-123");
    const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(JSON.stringify(events)).not.toContain("sk-test-123");
  });
});
