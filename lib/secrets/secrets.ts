import crypto from "node:crypto";
import { keysFromEnv, parseKeySpec } from "./key-spec";

/**
 * Encryption at rest for provider keys, connector headers and other secrets: AES-256-GCM under
 * the master key. KEEL_MASTER_KEY holds one or more `keyId:base64key` entries separated by
 * commas; the first encrypts, all decrypt, so keys rotate by prepending a new one.
 */
export type MasterKey = { id: string; key: Buffer };

/** v2 binds each value to its tenant, purpose and row; v1 (read only) bound nothing. */
const FORMAT = "v2";
const LEGACY_FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function parseMasterKeys(spec: string): MasterKey[] {
  return parseKeySpec(spec, "KEEL_MASTER_KEY").map(({ id, bytes }) => ({ id, key: bytes }));
}

/** The keys in KEEL_MASTER_KEY, parsed once per value. */
export const masterKeys: () => MasterKey[] = keysFromEnv("KEEL_MASTER_KEY", parseMasterKeys);

/**
 * What a secret belongs to. Sealed under one binding, it opens under no other. A credential for
 * one server also names that server's origin: it opens only while its row still points there.
 */
export type SecretBinding = { tenantId: string; purpose: SecretPurpose; rowId: string; origin?: string | null };

/** The kinds of secret Keel seals; each names the table and column it lives in. */
export type SecretPurpose = "provider.apiKey" | "alert.webhookSecret";

/**
 * A provider's API key belongs to that provider row of that tenant, and to the origin of its base
 * URL: someone with only the database password who points the row at their own host gets a key
 * that no longer opens, rather than Keel sending it to them.
 */
export const providerKeyBinding = (provider: { id: string; tenantId: string; baseUrl: string | null }): SecretBinding => ({
  tenantId: provider.tenantId,
  purpose: "provider.apiKey",
  rowId: provider.id,
  origin: originOf(provider.baseUrl),
});

/**
 * A tenant's alert webhook signing secret belongs to that tenant and to its webhook's whole URL
 * (shared hook hosts tell receivers apart by path): a URL changed behind Keel's back (with only the
 * database password) gets no signed deliveries.
 */
export const webhookSecretBinding = (tenant: { id: string; alertWebhookUrl: string | null }): SecretBinding => ({
  tenantId: tenant.id,
  purpose: "alert.webhookSecret",
  rowId: tenant.id,
  origin: tenant.alertWebhookUrl,
});

function originOf(url: string | null): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/**
 * The additional data authenticated with a v2 secret: its format, key, tenant, purpose, row and
 * origin. A sealed value copied to another tenant's or another row's column, or left in a row
 * whose URL was changed (by someone with only the database password), then fails to open instead
 * of being used there.
 */
function boundData(id: string, binding: SecretBinding): Buffer {
  // Ids never hold a dot (cuids), so the joined string names exactly one binding; the origin,
  // which holds dots, comes last and encoded.
  for (const part of [binding.tenantId, binding.rowId]) {
    if (!part || part.includes(".")) throw new Error("A secret's tenant and row ids must be non-empty and hold no dot");
  }
  const parts = [FORMAT, id, binding.tenantId, binding.purpose, binding.rowId];
  if (binding.origin) parts.push(Buffer.from(binding.origin, "utf8").toString("base64url"));
  return Buffer.from(parts.join("."));
}

/** Encrypts a secret for one tenant's row; the result names the key that sealed it. */
export function encryptSecret(plaintext: string, binding: SecretBinding, keys: MasterKey[] = masterKeys()): string {
  const { id, key } = keys[0];
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(boundData(id, binding));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/**
 * Decrypts a value from encryptSecret under the binding it was sealed with; throws if it was
 * altered, moved to another row or tenant, or its key is unknown. Values of the older, unbound
 * format (v1) still open, until `resealSecrets` has re-sealed them.
 */
export function decryptSecret(sealed: string, binding: SecretBinding, keys: MasterKey[] = masterKeys()): string {
  const [format, id, ivText, tagText, body, extra] = sealed.split(".");
  if ((format !== FORMAT && format !== LEGACY_FORMAT) || body === undefined || extra !== undefined) throw new Error("Not a Keel secret");
  const entry = keys.find((k) => k.id === id);
  if (!entry) throw new Error(`The secret was sealed with key "${id}", which KEEL_MASTER_KEY does not hold`);
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  // A shorter tag would be checked as far as it goes, and so be easier to forge: accept only 16 bytes.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error("Not a Keel secret");
  const decipher = crypto.createDecipheriv("aes-256-gcm", entry.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(format === FORMAT ? boundData(id, binding) : Buffer.from(`${LEGACY_FORMAT}.${id}`));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** True when the secret should be re-sealed: under an older key (after a rotation), or unbound (v1). */
export function needsRotation(sealed: string, keys: MasterKey[] = masterKeys()): boolean {
  const [format, id] = sealed.split(".");
  return format !== FORMAT || id !== keys[0].id;
}

/** The prefix of every value sealed in the current format under the current key. */
export function currentSealPrefix(keys: MasterKey[] = masterKeys()): string {
  return `${FORMAT}.${keys[0].id}.`;
}
