import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { createApiKey, revokeApiKey } from "./actions";
import { hashApiKey } from "./secret";

useTestDatabase();

describe("API keys", () => {
  it("shows the secret once and stores only its hash", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "DEVELOPER");
    const r = await createApiKey.runAs(callerFor(user), { tenant: tenant.slug, name: "web app", requestsPerMinute: "20", tokensPerMinute: "" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.secret).toMatch(/^keel_[A-Za-z0-9_-]{43}$/);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: r.data.apiKeyId } });
    expect(row).toMatchObject({ secretHash: hashApiKey(r.data.secret), prefix: r.data.secret.slice(0, 12), requestsPerMinute: 20, tokensPerMinute: null });
    const everything = JSON.stringify([row, await db().auditEvent.findMany({ where: { tenantId: tenant.id } })]);
    expect(everything).not.toContain(r.data.secret);
  });

  it("checks limits, expiry and endpoint names, all at once", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "DEVELOPER");
    const r = await createApiKey.runAs(callerFor(user), {
      tenant: tenant.slug, name: "x", requestsPerMinute: "-3", tokensPerMinute: "1.5", expiresAt: "2001-01-01",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(["expiresAt", "name", "requestsPerMinute", "tokensPerMinute"]);
    const unknown = await createApiKey.runAs(callerFor(user), { tenant: tenant.slug, name: "scoped", allowedEndpoints: ["nope"] });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { allowedEndpoints: ["No endpoint named nope"] } });
    expect(await db().apiKey.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it("revokes once", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "ADMIN");
    const r = await createApiKey.runAs(callerFor(user), { tenant: tenant.slug, name: "temp" });
    if (!r.ok) throw new Error(r.error);
    expect((await revokeApiKey.runAs(callerFor(user), { tenant: tenant.slug, apiKeyId: r.data.apiKeyId })).ok).toBe(true);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: r.data.apiKeyId } })).revokedAt).not.toBeNull();
    expect(await revokeApiKey.runAs(callerFor(user), { tenant: tenant.slug, apiKeyId: r.data.apiKeyId })).toMatchObject({ ok: false, error: /already revoked/ });
  });
});
