import crypto from "node:crypto";

/**
 * Console tokens let a signed-in person call the gateway from Keel's own screens (the "try it"
 * panel) without an API key: minted server-side per request after the console checked their
 * membership and permission, valid for a minute, never sent to the browser. Requests made with
 * one are recorded against the user instead of a key.
 */
export const CONSOLE_TOKEN_PREFIX = "keelconsole_";
const TTL_MS = 60_000;

/**
 * Who the token speaks for, and the version the console pinned (the playground's version picker):
 * an API key always gets what the endpoint routes to, a console user may ask for one version.
 */
export type ConsoleClaims = { tenantId: string; userId: string; versionId?: string; purpose?: "eval" };

export function mintConsoleToken(claims: ConsoleClaims, secret: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ t: claims.tenantId, u: claims.userId, v: claims.versionId, p: claims.purpose, exp: now + TTL_MS })).toString("base64url");
  return `${CONSOLE_TOKEN_PREFIX}${payload}.${sign(payload, secret)}`;
}

/** The claims of a valid, unexpired token; null for anything else. */
export function readConsoleToken(token: string, secret: string, now = Date.now()): ConsoleClaims | null {
  if (!token.startsWith(CONSOLE_TOKEN_PREFIX)) return null;
  const [payload, signature, extra] = token.slice(CONSOLE_TOKEN_PREFIX.length).split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    const { t, u, v, p, exp } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { t?: unknown; u?: unknown; v?: unknown; p?: unknown; exp?: unknown };
    if (typeof t !== "string" || typeof u !== "string" || typeof exp !== "number" || exp <= now) return null;
    if (v !== undefined && typeof v !== "string") return null;
    if (p !== undefined && p !== "eval") return null;
    return { tenantId: t, userId: u, ...(v === undefined ? {} : { versionId: v }), ...(p === undefined ? {} : { purpose: p }) };
  } catch {
    return null;
  }
}

function sign(payload: string, secret: string): string {
  // A key of its own, derived from the session secret, so a console token is never a session.
  const key = crypto.createHmac("sha256", secret).update("keel/console-gateway-token/v1").digest();
  return crypto.createHmac("sha256", key).update(payload).digest("base64url");
}
