import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { decryptSecret, webhookSecretBinding } from "@/lib/secrets/secrets";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { acknowledgeAlert, setAlertWebhook, setBudgetAlerts, setKeyBudget } from "./actions";

useTestDatabase();

async function world() {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  const { user: developer } = await seedMember(tenant, "DEVELOPER");
  const alert = await db().alert.create({
    data: { tenantId: tenant.id, kind: "COST_ANOMALY", severity: "WARNING", subjectType: "tenant", subjectId: tenant.id, title: "Spend jumped", details: {}, dedupeKey: `anomaly:${crypto.randomUUID()}` },
  });
  return { tenant, owner, developer, alert };
}

describe("alert settings and actions", () => {
  it("a webhook on a private or metadata address is a field error that changes nothing; a public one gets a sealed secret shown once", async () => {
    const { tenant, owner } = await world();
    for (const url of ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data", "http://[::ffff:10.0.0.1]/x"]) {
      const r = await setAlertWebhook.runAs(callerFor(owner), { tenant: tenant.slug, url });
      expect(r).toMatchObject({ ok: false, fieldErrors: { url: [expect.stringMatching(/KEEL_OUTBOUND_ALLOW/)] } });
    }
    expect(await setAlertWebhook.runAs(callerFor(owner), { tenant: tenant.slug, url: "ftp://example.com/x" })).toMatchObject({ ok: false, fieldErrors: { url: [expect.any(String)] } });
    expect((await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).alertWebhookUrl).toBeNull();

    const url = "https://hooks.example.test/T000/B000/secret-token";
    const r = await setAlertWebhook.runAs(callerFor(owner), { tenant: tenant.slug, url });
    if (!r.ok) throw new Error(r.error);
    expect(r.data.secret).toMatch(/^whsec_/);
    const row = await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(row.alertWebhookSecret).not.toContain(r.data.secret!);
    expect(decryptSecret(row.alertWebhookSecret!, webhookSecretBinding(row))).toBe(r.data.secret);
    // Pointed elsewhere behind Keel's back, the secret no longer opens.
    expect(() => decryptSecret(row.alertWebhookSecret!, webhookSecretBinding({ ...row, alertWebhookUrl: "https://attacker.example/x" }))).toThrow();
    // So does another path on the same host (a shared hook service tells its receivers apart by path).
    expect(() => decryptSecret(row.alertWebhookSecret!, webhookSecretBinding({ ...row, alertWebhookUrl: "https://hooks.example.test/T000/B999/attacker" }))).toThrow();
    // The trail says where it points, not the URL (which may itself be a credential).
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "tenant.alert_webhook_changed" } });
    expect(JSON.stringify(event.after)).not.toContain("secret-token");
    expect(event.after).toMatchObject({ host: "hooks.example.test", secretRotated: true });
  });

  it("a developer acknowledges an alert once; thresholds and key budgets take clear errors", async () => {
    const { tenant, owner, developer, alert } = await world();
    expect(await acknowledgeAlert.runAs(callerFor(developer), { tenant: tenant.slug, alertId: alert.id })).toMatchObject({ ok: true });
    expect(await acknowledgeAlert.runAs(callerFor(developer), { tenant: tenant.slug, alertId: alert.id })).toMatchObject({ ok: false, error: expect.stringMatching(/already/) });
    expect((await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).acknowledgedBy).toBe(developer.id);

    expect(await setBudgetAlerts.runAs(callerFor(owner), { tenant: tenant.slug, percents: "50, abc, 2000" })).toMatchObject({ ok: false, fieldErrors: { percents: [expect.any(String)] } });
    expect(await setBudgetAlerts.runAs(callerFor(owner), { tenant: tenant.slug, percents: "90, 25, 90" })).toMatchObject({ ok: true, data: { percents: [25, 90] } });

    const key = await db().apiKey.create({ data: { tenantId: tenant.id, name: "k", prefix: "keel_k", secretHash: crypto.randomUUID() } });
    for (const monthlyBudgetUsd of ["-1", "NaN", "1e309", "Infinity", "0", "0.001", " ", "1e8", "abc"]) {
      expect(await setKeyBudget.runAs(callerFor(developer), { tenant: tenant.slug, apiKeyId: key.id, monthlyBudgetUsd, mode: "HARD" }), monthlyBudgetUsd)
        .toMatchObject({ ok: false, fieldErrors: { monthlyBudgetUsd: [expect.any(String)] } });
    }
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).monthlyBudgetUsd).toBeNull();
    expect(await setKeyBudget.runAs(callerFor(developer), { tenant: tenant.slug, apiKeyId: key.id, monthlyBudgetUsd: "12.345", mode: "SOFT" })).toMatchObject({ ok: true });
    expect(await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).toMatchObject({ budgetMode: "SOFT" });
    expect(String((await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).monthlyBudgetUsd)).toBe("12.35");
    // Another tenant's key, by id, is not found here.
    const other = await world();
    const theirs = await db().apiKey.create({ data: { tenantId: other.tenant.id, name: "t", prefix: "keel_t", secretHash: crypto.randomUUID() } });
    expect(await setKeyBudget.runAs(callerFor(developer), { tenant: tenant.slug, apiKeyId: theirs.id, monthlyBudgetUsd: "1", mode: "HARD" })).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
  });
});
