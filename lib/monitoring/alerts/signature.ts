import crypto from "node:crypto";

export const SIGNATURE_HEADER = "x-keel-signature";

/**
 * The signature header of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The
 * time is inside what is signed, so a receiver that refuses old timestamps refuses replays.
 */
export function signWebhook(secret: string, body: string, at = Date.now()): string {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** Checks a signature header as a receiver should: the HMAC in constant time, the time within `toleranceS`. */
export function verifyWebhook(secret: string, body: string, header: string | null, now = Date.now(), toleranceS = 300): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || Math.abs(now / 1000 - t) > toleranceS || typeof parts.v1 !== "string") return false;
  const want = Buffer.from(crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const got = Buffer.from(parts.v1);
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/** A new signing secret, shown to the tenant once. */
export const newWebhookSecret = () => `whsec_${crypto.randomBytes(32).toString("base64url")}`;
