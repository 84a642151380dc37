import crypto from "node:crypto";
import type pg from "pg";
import { inTransaction } from "@/lib/db/transaction";
import type { JobQueue } from "@/lib/jobs/queue";
import { alertMac } from "./alert-mac";
import type { NewAlert } from "./evaluate";

export const DELIVER_JOB = "alerts.deliver";

/**
 * Records alerts, each once (its dedupe key), and for each new one with the tenant's webhook set,
 * a delivery and its job, all in one transaction: an alert is never raised without its delivery
 * queued, nor delivered twice because two instances raised it. Returns the new alerts' ids.
 */
export async function raiseAlerts(pool: pg.Pool, queue: JobQueue, tenantId: string, alerts: NewAlert[]): Promise<string[]> {
  if (alerts.length === 0) return [];
  return inTransaction(pool, async (client) => {
    const created: string[] = [];
    const { rows: [tenant] } = await client.query<{ url: string | null }>(`SELECT "alertWebhookUrl" AS "url" FROM "Tenant" WHERE "id" = $1`, [tenantId]);
    for (const a of alerts) {
      const id = crypto.randomUUID();
      const createdAt = new Date();
      const details = JSON.parse(JSON.stringify(a.details)); // as the database will give it back
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "Alert" ("id", "tenantId", "kind", "severity", "subjectType", "subjectId", "title", "details", "dedupeKey", "createdAt", "mac")
         VALUES ($9, $1, $2::"AlertKind", $3::"AlertSeverity", $4, $5, $6, $7::jsonb, $8, $10, $11)
         ON CONFLICT ("tenantId", "dedupeKey") DO NOTHING RETURNING "id"`,
        [tenantId, a.kind, a.severity, a.subjectType, a.subjectId, a.title, JSON.stringify(details), a.dedupeKey, id, createdAt,
          alertMac({ ...a, id, tenantId, details, createdAt })],
      );
      if (rows.length === 0) continue;
      created.push(rows[0].id);
      if (tenant?.url) await queueDelivery(client, queue, tenantId, rows[0].id, tenant.url);
    }
    return created;
  });
}

/** A delivery row and its job, in the caller's transaction. */
export async function queueDelivery(client: pg.PoolClient, queue: JobQueue, tenantId: string, alertId: string, url: string): Promise<string> {
  const { rows: [delivery] } = await client.query<{ id: string }>(
    `INSERT INTO "AlertDelivery" ("id", "tenantId", "alertId", "url") VALUES (gen_random_uuid()::text, $1, $2, $3) RETURNING "id"`,
    [tenantId, alertId, url],
  );
  await queue.send(DELIVER_JOB, { deliveryId: delivery.id }, client);
  return delivery.id;
}
