import crypto from "node:crypto";

export const API_KEY_PREFIX = "keel_";

/** A new API key secret (`keel_` + 32 random bytes) with what is stored of it: hash and display prefix. */
export function generateApiKey(): { secret: string; secretHash: string; prefix: string } {
  const secret = `${API_KEY_PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  return { secret, secretHash: hashApiKey(secret), prefix: secret.slice(0, 12) };
}

/** SHA-256 of the whole secret: keys are random and long, so a fast hash is safe and keeps lookups O(1). */
export function hashApiKey(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}
