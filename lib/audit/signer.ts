import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { keysFromEnv, parseKeySpec } from "@/lib/secrets/key-spec";

/**
 * Ed25519 keys that sign audit chain heads. KEEL_AUDIT_SIGNING_KEY holds one or more
 * `keyId:base64-32-byte-seed` entries separated by commas: the first signs, all verify, so a key
 * rotates by prepending a new one. The database never holds the private key; verify uses only
 * the public halves, which an auditor can also take away (`audit-signing.pub`) to check offline.
 */
export type AuditKey = { id: string; seed: Buffer; privateKey: KeyObject; publicKey: KeyObject };
/** Public keys by key id: all that verifying a head needs. */
export type AuditPublicKeys = Map<string, KeyObject>;

/** The head a signature covers, as stored in AuditHead. */
export type HeadContent = { tenantId: string; seq: number; hash: string; signedAt: Date };
export type SignedHead = HeadContent & { keyId: string; signature: string };

// DER prefixes of an Ed25519 PKCS#8 private key (RFC 8410) and SubjectPublicKeyInfo, before the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
/** Parses a signing key spec (`k1:<base64 seed>[,k0:…]`); the first key signs. */
export function parseAuditKeys(spec: string): AuditKey[] {
  return parseKeySpec(spec, "KEEL_AUDIT_SIGNING_KEY").map(({ id, bytes }) => {
    const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, bytes]), format: "der", type: "pkcs8" });
    return { id, seed: bytes, privateKey, publicKey: crypto.createPublicKey(privateKey) };
  });
}

/** Parses a public key spec (`k1:<base64 raw public key>[,…]`), as written to audit-signing.pub. */
export function parseAuditPublicKeys(spec: string): AuditPublicKeys {
  return new Map(
    parseKeySpec(spec, "Audit public key").map(({ id, bytes }) => [
      id,
      crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, bytes]), format: "der", type: "spki" }),
    ]),
  );
}

/** The public halves of the keys, by id. */
export function publicKeysOf(keys: AuditKey[]): AuditPublicKeys {
  return new Map(keys.map((k) => [k.id, k.publicKey]));
}

/** `k1:<base64 raw public key>,…`: what an auditor needs to verify signed heads offline. */
export function publicKeySpec(keys: AuditKey[]): string {
  return keys.map((k) => `${k.id}:${k.publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length).toString("base64")}`).join(",");
}

/** The exact bytes a head signature covers. */
export function headMessage(head: HeadContent): Buffer {
  return Buffer.from(`keel.audit-head.v1\n${head.tenantId}\n${head.seq}\n${head.hash}\n${head.signedAt.toISOString()}`);
}

/** Signs a head with the first (current) key. */
export function signHead(keys: AuditKey[], head: HeadContent): SignedHead {
  const key = keys[0];
  return { ...head, keyId: key.id, signature: crypto.sign(null, headMessage(head), key.privateKey).toString("base64") };
}

/** True when the head's signature verifies under the named public key; an unknown key id is false. */
export function verifyHead(publicKeys: AuditPublicKeys, head: SignedHead): boolean {
  const key = publicKeys.get(head.keyId);
  if (!key) return false;
  try {
    return crypto.verify(null, headMessage(head), key, Buffer.from(head.signature, "base64"));
  } catch {
    return false;
  }
}

/** This process's signing keys, from KEEL_AUDIT_SIGNING_KEY, parsed once per distinct value. */
export const auditKeys: () => AuditKey[] = keysFromEnv("KEEL_AUDIT_SIGNING_KEY", parseAuditKeys);

/** Writes the public keys to `<home>/audit-signing.pub` (world-readable: it holds no secret). */
export function writeAuditPublicKeys(home: string, keys: AuditKey[]): string {
  const file = path.join(home, "audit-signing.pub");
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(file, `${publicKeySpec(keys)}\n`, { mode: 0o644 });
  return file;
}
