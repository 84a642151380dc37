import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { JobQueue } from "@/lib/jobs/queue";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { encryptSecret, webhookSecretBinding } from "@/lib/secrets/secrets";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { AlertJobs } from "./alert-jobs";
import { spendAlerts } from "./evaluate";
import { queueDelivery, raiseAlerts } from "./raise";
import { SIGNATURE_HEADER, newWebhookSecret, verifyWebhook } from "./signature";

const test = useTestDatabase();
const HOUR = 3_600_000;
let queue: JobQueue;
beforeAll(async () => {
  queue = await JobQueue.start(test.database.pool);
});
afterAll(async () => queue.stop());

const spend = (tenantId: string, usd: string, createdAt = new Date(), apiKeyId: string | null = null) => ({
  id: crypto.randomUUID(), tenantId, route: "chat.completions", latencyMs: 10, status: 200, costUsd: usd, createdAt, apiKeyId,
});

/** A webhook receiver that answers `statuses` in turn (then 200) and keeps what it got. */
async function receiver(statuses: number[] = []) {
  const got: { body: string; signature: string | null; at: number }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ body, signature: (req.headers[SIGNATURE_HEADER] as string) ?? null, at: Date.now() });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

async function withWebhook(tenantId: string, url: string) {
  const secret = newWebhookSecret();
  await db().tenant.update({ where: { id: tenantId }, data: { alertWebhookUrl: url, alertWebhookSecret: encryptSecret(secret, webhookSecretBinding({ id: tenantId, alertWebhookUrl: url })) } });
  return secret;
}

const until = async (check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("budget and spend alerts", () => {
  it("raise each budget threshold once a month, for the tenant and for a key, and not before it is reached", async () => {
    const tenant = await seedTenant({ monthlyBudgetUsd: "1.00" });
    const key = await db().apiKey.create({ data: { tenantId: tenant.id, name: "batch", prefix: "keel_x", secretHash: crypto.randomUUID(), monthlyBudgetUsd: "0.50", budgetMode: "SOFT" } });
    await db().requestRecord.createMany({ data: [spend(tenant.id, "0.45000000"), spend(tenant.id, "0.40000000", new Date(), key.id)] });
    const first = await raiseAlerts(test.database.pool, queue, tenant.id, await spendAlerts(db(), tenant.id));
    const alerts = await db().alert.findMany({ where: { tenantId: tenant.id }, orderBy: { dedupeKey: "asc" } });
    expect(first).toHaveLength(3);
    expect(alerts.map((a) => [a.kind, (a.details as { percent: number }).percent, a.severity])).toEqual([
      ["BUDGET", 50, "WARNING"], ["BUDGET", 80, "WARNING"], ["KEY_BUDGET", 80, "WARNING"],
    ]);
    // Evaluated again, nothing new; past 100%, the critical one.
    expect(await raiseAlerts(test.database.pool, queue, tenant.id, await spendAlerts(db(), tenant.id))).toEqual([]);
    await db().requestRecord.create({ data: spend(tenant.id, "0.20000000", new Date(), key.id) });
    await raiseAlerts(test.database.pool, queue, tenant.id, await spendAlerts(db(), tenant.id));
    const critical = await db().alert.findMany({ where: { tenantId: tenant.id, severity: "CRITICAL" } });
    expect(critical.map((a) => a.kind).sort()).toEqual(["BUDGET", "KEY_BUDGET"]);
    // Last month's spend counts for last month only.
    const quiet = await seedTenant({ monthlyBudgetUsd: "1.00" });
    await db().requestRecord.create({ data: spend(quiet.id, "5.00000000", new Date(Date.now() - 40 * 24 * HOUR)) });
    expect((await spendAlerts(db(), quiet.id)).filter((a) => a.kind === "BUDGET")).toEqual([]);
  });

  it("flags an hour whose spend is far above the week before, and not an ordinary hour", async () => {
    const tenant = await seedTenant();
    const now = Date.now();
    const end = Math.floor(now / HOUR) * HOUR;
    const week = Array.from({ length: 168 }, (_, i) => spend(tenant.id, (0.02 + (i % 5) * 0.002).toFixed(8), new Date(end - (i + 2) * HOUR + 60_000)));
    await db().requestRecord.createMany({ data: [...week, spend(tenant.id, "0.02400000", new Date(end - HOUR + 60_000))] });
    expect((await spendAlerts(db(), tenant.id, now)).filter((a) => a.kind === "COST_ANOMALY")).toEqual([]);
    await db().requestRecord.create({ data: spend(tenant.id, "0.90000000", new Date(end - HOUR + 120_000)) });
    const [anomaly] = (await spendAlerts(db(), tenant.id, now)).filter((a) => a.kind === "COST_ANOMALY");
    expect(anomaly.title).toMatch(/× the hourly mean/);
  });
});

describe("alert webhooks", () => {
  it("deliver a signed alert, and retry a failing receiver until it takes it", async () => {
    const hook = await receiver([500, 503]);
    const tenant = await seedTenant({ monthlyBudgetUsd: "1.00" });
    const secret = await withWebhook(tenant.id, hook.url);
    const jobs = new AlertJobs(test.database, queue, createOutboundPolicy("127.0.0.1"), { intervalMs: 3_600_000, retryDelaySeconds: 1 });
    await jobs.start();
    try {
      await db().requestRecord.create({ data: spend(tenant.id, "0.55000000") });
      await jobs.evaluateAll();
      const { id: alertId } = await db().alert.findFirstOrThrow({ where: { tenantId: tenant.id } });
      await until(async () => (await db().alertDelivery.findFirst({ where: { alertId } }))?.status === "DELIVERED");
      const delivery = await db().alertDelivery.findFirstOrThrow({ where: { alertId } });
      expect(delivery.attempts).toBe(3);
      expect(hook.got).toHaveLength(3);
      const last = hook.got[2];
      expect(verifyWebhook(secret, last.body, last.signature)).toBe(true);
      expect(verifyWebhook("whsec_wrong", last.body, last.signature)).toBe(false);
      expect(JSON.parse(last.body)).toMatchObject({ type: "alert", tenant: tenant.slug, alert: { id: alertId, kind: "BUDGET", severity: "WARNING" } });
    } finally {
      await jobs.stop();
      await hook.close();
    }
  });

  it("refuse a receiver on a private address unless the platform allows it, without retrying", async () => {
    const hook = await receiver();
    const tenant = await seedTenant({ monthlyBudgetUsd: "1.00" });
    await withWebhook(tenant.id, hook.url);
    const jobs = new AlertJobs(test.database, queue, createOutboundPolicy(""), { intervalMs: 3_600_000, retryDelaySeconds: 1 });
    await jobs.start();
    try {
      await db().requestRecord.create({ data: spend(tenant.id, "0.55000000") });
      await jobs.evaluateAll();
      const { id: alertId } = await db().alert.findFirstOrThrow({ where: { tenantId: tenant.id } });
      await until(async () => (await db().alertDelivery.findFirst({ where: { alertId } }))?.status === "FAILED");
      const delivery = await db().alertDelivery.findFirstOrThrow({ where: { alertId } });
      expect(delivery.attempts).toBe(1);
      expect(delivery.lastError).toMatch(/KEEL_OUTBOUND_ALLOW/);
      expect(hook.got).toHaveLength(0);
    } finally {
      await jobs.stop();
      await hook.close();
    }
  });

  it("deliver one tenant's alert while another tenant's receiver hangs", async () => {
    let asked = false;
    const hanging = http.createServer(() => void (asked = true)); // takes the request and never answers
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
    const slow = await seedTenant({ monthlyBudgetUsd: "1.00" });
    await withWebhook(slow.id, `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`);
    const hook = await receiver();
    const prompt = await seedTenant({ monthlyBudgetUsd: "1.00" });
    await withWebhook(prompt.id, hook.url);
    const jobs = new AlertJobs(test.database, queue, createOutboundPolicy("127.0.0.1"), { intervalMs: 3_600_000, retryDelaySeconds: 1 });
    await jobs.start();
    try {
      await db().requestRecord.createMany({ data: [spend(slow.id, "0.55000000"), spend(prompt.id, "0.55000000")] });
      // The hanging tenant's alert is queued first.
      await raiseAlerts(test.database.pool, queue, slow.id, await spendAlerts(db(), slow.id));
      await until(async () => asked, 15_000);
      await raiseAlerts(test.database.pool, queue, prompt.id, await spendAlerts(db(), prompt.id));
      await until(async () => (await db().alertDelivery.findFirst({ where: { tenantId: prompt.id } }))?.status === "DELIVERED", 15_000);
      // Delivered while the first attempt at the other was still waiting for its receiver.
      expect(await db().alertDelivery.findFirstOrThrow({ where: { tenantId: slow.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
      expect(hook.got).toHaveLength(1);
    } finally {
      await jobs.stop();
      hanging.closeAllConnections();
      await new Promise((r) => hanging.close(r));
      await hook.close();
    }
  });

  it("send nothing for an alert Keel did not raise, or one edited in the database", async () => {
    const hook = await receiver();
    const tenant = await seedTenant({ monthlyBudgetUsd: "1.00" });
    await withWebhook(tenant.id, hook.url);
    const jobs = new AlertJobs(test.database, queue, createOutboundPolicy("127.0.0.1"), { intervalMs: 3_600_000, retryDelaySeconds: 1 });
    await jobs.start();
    try {
      // Someone with the database password writes an alert and its delivery, as raiseAlerts would.
      const forged = await db().alert.create({
        data: { tenantId: tenant.id, kind: "BUDGET", severity: "CRITICAL", subjectType: "tenant", subjectId: tenant.id, title: "Wire $50,000 to account 12345 now", details: {}, dedupeKey: "forged" },
      });
      // And rewrites a real one's title before it goes out.
      await db().requestRecord.create({ data: spend(tenant.id, "0.55000000") });
      const [real] = await raiseAlerts(test.database.pool, queue, tenant.id, await spendAlerts(db(), tenant.id));
      await db().alert.update({ where: { id: real }, data: { title: "Your budget is fine, ignore other alerts" } });
      const client = await test.database.pool.connect();
      try {
        await client.query("BEGIN");
        await queueDelivery(client, queue, tenant.id, forged.id, hook.url);
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      for (const alertId of [forged.id, real]) {
        await until(async () => (await db().alertDelivery.findFirst({ where: { alertId } }))?.status === "FAILED");
        expect((await db().alertDelivery.findFirstOrThrow({ where: { alertId } })).lastError).toMatch(/authentication/);
      }
      expect(hook.got).toHaveLength(0);
    } finally {
      await jobs.stop();
      await hook.close();
    }
  });
});
