import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { JobQueue } from "@/lib/jobs/queue";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { encryptSecret, webhookSecretBinding } from "@/lib/secrets/secrets";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { attemptDelivery } from "./deliver";
import { raiseAlerts } from "./raise";
import { newWebhookSecret } from "./signature";

const test = useTestDatabase();
/** Deliveries are attempted by hand here; the queue only has to take the job. */
const queue = { send: async () => {} } as unknown as JobQueue;

async function listener(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { hits, port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(r)) };
}

/** A tenant whose webhook is `url`, with one alert raised as Keel raises them; returns its delivery's id. */
async function alertFor(url: string): Promise<string> {
  const tenant = await seedTenant();
  await db().tenant.update({
    where: { id: tenant.id },
    data: { alertWebhookUrl: url, alertWebhookSecret: encryptSecret(newWebhookSecret(), webhookSecretBinding({ id: tenant.id, alertWebhookUrl: url })) },
  });
  const [alertId] = await raiseAlerts(test.database.pool, queue, tenant.id, [
    { kind: "COST_ANOMALY", severity: "WARNING", subjectType: "tenant", subjectId: tenant.id, title: "Spend jumped", details: {}, dedupeKey: "anomaly:x" },
  ]);
  return (await db().alertDelivery.findFirstOrThrow({ where: { alertId } })).id;
}

describe("webhook deliveries against a hostile receiver or resolver", () => {
  it("a name that resolves to loopback, metadata or a mapped private address by delivery time is refused at once, and nothing is sent", async () => {
    const inside = await listener((_req, res) => res.writeHead(200).end());
    try {
      const answers: Record<string, string[]> = {
        // Public when the webhook was saved, rebound since; and names with a public address beside a private one.
        "rebind.hooks.test": ["127.0.0.1"],
        "meta.hooks.test": ["169.254.169.254"],
        "mixed.hooks.test": ["93.184.216.34", "::ffff:127.0.0.1"],
        "v6.hooks.test": ["2606:4700::1111", "fd00:ec2::254"],
      };
      const policy = createOutboundPolicy("", { lookup: async (name) => answers[name] ?? [] });
      for (const host of Object.keys(answers)) {
        const id = await alertFor(`http://${host}:${inside.port}/hook`);
        expect(await attemptDelivery(db(), policy, id), host).toBe("failed");
        const row = await db().alertDelivery.findUniqueOrThrow({ where: { id } });
        expect(row, host).toMatchObject({ status: "FAILED", attempts: 1, lastError: expect.stringMatching(/does not call private or loopback/) });
      }
      // A literal private address saved behind the settings form's back is refused the same way.
      const literal = await alertFor(`http://127.0.0.1:${inside.port}/hook`);
      expect(await attemptDelivery(db(), policy, literal)).toBe("failed");
      expect(inside.hits).toEqual([]);
      await policy.close();
    } finally {
      await inside.close();
    }
  });

  it("a receiver's redirect is not followed: the alert goes where the tenant set it and nowhere else", async () => {
    const target = await listener((_req, res) => res.writeHead(200).end());
    const hook = await listener((_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${target.port}/steal` }).end());
    // The platform admits the receiver's port only, as a self-hoster admitting one local service would.
    const policy = createOutboundPolicy(`127.0.0.1:${hook.port},127.0.0.1:${target.port}`);
    try {
      const id = await alertFor(`http://127.0.0.1:${hook.port}/hook`);
      await expect(attemptDelivery(db(), policy, id)).rejects.toThrow(/answered 307/);
      expect(await db().alertDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PENDING", lastStatus: 307 });
      expect(hook.hits).toEqual(["POST /hook"]);
      expect(target.hits).toEqual([]);
    } finally {
      await policy.close();
      await hook.close();
      await target.close();
    }
  });
});
