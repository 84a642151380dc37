import type { PrismaClient } from "@/lib/db/client";
import { outboundRefusal, type OutboundPolicy } from "@/lib/net/outbound";
import { decryptSecret, webhookSecretBinding } from "@/lib/secrets/secrets";
import { alertAuthentic } from "./alert-mac";
import { SIGNATURE_HEADER, signWebhook } from "./signature";

/** Attempts per delivery, the first included; the queue retries with backoff in between. */
export const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;

/** A failed attempt the queue should retry (the receiver was down or answered an error). */
export class DeliveryRetry extends Error {}

/** The JSON a receiver gets for an alert. */
export function webhookBody(alert: { id: string; kind: string; severity: string; subjectType: string; subjectId: string; title: string; details: unknown; createdAt: Date }, tenant: { slug: string }, deliveryId: string): string {
  return JSON.stringify({
    type: "alert",
    delivery: deliveryId,
    tenant: tenant.slug,
    alert: { id: alert.id, kind: alert.kind, severity: alert.severity, subject: { type: alert.subjectType, id: alert.subjectId }, title: alert.title, details: alert.details, createdAt: alert.createdAt.toISOString() },
  });
}

/**
 * One attempt at a delivery: POSTs the alert, signed with the tenant's secret, to the URL it was
 * raised for, through the outbound-URL policy (checked at each connection; redirects are not
 * followed, a receiver answers where it was configured). 2xx delivers. A refused address, a URL
 * changed since, or a secret that does not open fail at once; other failures throw DeliveryRetry
 * until the last attempt, which fails the delivery. What happened is kept on the row.
 */
export async function attemptDelivery(prisma: PrismaClient, policy: OutboundPolicy, deliveryId: string): Promise<"delivered" | "failed" | "gone"> {
  const delivery = await prisma.alertDelivery.findUnique({
    where: { id: deliveryId },
    include: { alert: true, tenant: { select: { id: true, slug: true, alertWebhookUrl: true, alertWebhookSecret: true } } },
  });
  if (!delivery || delivery.status !== "PENDING") return "gone";
  const attempt = delivery.attempts + 1;
  const fail = async (lastError: string, lastStatus: number | null = null) => {
    await prisma.alertDelivery.update({ where: { id: deliveryId }, data: { status: "FAILED", attempts: attempt, lastError, lastStatus } });
    return "failed" as const;
  };
  const { tenant, alert } = delivery;
  if (alert.tenantId !== tenant.id || !alertAuthentic(alert, alert.mac)) {
    return fail("The alert does not carry Keel's authentication (written into the database by something other than Keel?): it was not sent.");
  }
  if (tenant.alertWebhookUrl !== delivery.url) return fail("The tenant's webhook URL changed after this alert was raised; it was not sent to the old one.");
  let secret: string;
  try {
    secret = decryptSecret(tenant.alertWebhookSecret ?? "", webhookSecretBinding(tenant));
  } catch {
    return fail("The webhook's signing secret does not open (changed outside Keel?): set the webhook again.");
  }
  const body = webhookBody(delivery.alert, tenant, deliveryId);
  let status: number | null = null;
  let problem: string;
  try {
    const res = await policy.fetch(delivery.url, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { "content-type": "application/json", "user-agent": "Keel-Webhooks/1", [SIGNATURE_HEADER]: signWebhook(secret, body), "x-keel-delivery": deliveryId, "x-keel-event": "alert" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) {
      await prisma.alertDelivery.update({ where: { id: deliveryId }, data: { status: "DELIVERED", attempts: attempt, lastStatus: status, lastError: null, deliveredAt: new Date() } });
      return "delivered";
    }
    problem = `The receiver answered ${res.status}.`;
  } catch (error) {
    const refused = outboundRefusal(error);
    if (refused) return fail(refused.message);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    problem = `Could not reach the receiver: ${(error as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message)}.`;
  }
  if (attempt >= MAX_ATTEMPTS) return fail(`${problem} Gave up after ${attempt} attempts.`, status);
  await prisma.alertDelivery.update({ where: { id: deliveryId }, data: { attempts: attempt, lastStatus: status, lastError: problem } });
  throw new DeliveryRetry(problem);
}
