import crypto from "node:crypto";

/**
 * Encryption at rest for provider keys, connector headers and other secrets: AES-256-GCM under
 * the master key. KEEL_MASTER_KEY holds one or more `keyId:base64key` entries separated by
 * commas; the first encrypts, all decrypt, so keys rotate by prepending a new one.
 */
type MasterKey = { id: string; key: Buffer };

const FORMAT = "v1";

export function parseMasterKeys(spec: string): MasterKey[] {
  const keys = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const sep = entry.indexOf(":");
      if (sep < 1) throw new Error("KEEL_MASTER_KEY entries must look like keyId:base64key");
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), "base64");
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`KEEL_MASTER_KEY key id "${id}" must be 1-32 letters, digits, - or _`);
      if (key.length !== 32) throw new Error(`KEEL_MASTER_KEY key "${id}" must be 32 bytes of base64 (got ${key.length})`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error("KEEL_MASTER_KEY is empty");
  return keys;
}

let cached: { spec: string; keys: MasterKey[] } | undefined;
function masterKeys(): MasterKey[] {
  const spec = process.env.KEEL_MASTER_KEY;
  if (!spec) throw new Error("KEEL_MASTER_KEY is not set: start Keel through server.ts, which loads or generates it.");
  if (cached?.spec !== spec) cached = { spec, keys: parseMasterKeys(spec) };
  return cached.keys;
}

/** Encrypts a secret; the result names the key that sealed it. */
export function encryptSecret(plaintext: string, keys: MasterKey[] = masterKeys()): string {
  const { id, key } = keys[0];
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`${FORMAT}.${id}`));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Decrypts a value from encryptSecret; throws if it was altered or its key is unknown. */
export function decryptSecret(sealed: string, keys: MasterKey[] = masterKeys()): string {
  const [format, id, iv, tag, body] = sealed.split(".");
  if (format !== FORMAT || !body) throw new Error("Not a Keel secret");
  const entry = keys.find((k) => k.id === id);
  if (!entry) throw new Error(`The secret was sealed with key "${id}", which KEEL_MASTER_KEY does not hold`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", entry.key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(`${FORMAT}.${id}`));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** True when the secret should be re-sealed under the current key (after a rotation). */
export function needsRotation(sealed: string, keys: MasterKey[] = masterKeys()): boolean {
  return sealed.split(".")[1] !== keys[0].id;
}
