const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses a key list as Keel's key variables hold them (KEEL_MASTER_KEY, KEEL_AUDIT_SIGNING_KEY,
 * audit-signing.pub): comma-separated `keyId:base64` entries of 32 bytes each, the first current.
 * `what` names the variable in the errors.
 */
export function parseKeySpec(spec: string, what: string): { id: string; bytes: Buffer }[] {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const sep = entry.indexOf(":");
      if (sep < 1) throw new Error(`${what} entries must look like keyId:base64key`);
      const id = entry.slice(0, sep);
      const bytes = Buffer.from(entry.slice(sep + 1), "base64");
      if (!KEY_ID.test(id)) throw new Error(`${what} key id "${id}" must be 1-32 letters, digits, - or _`);
      if (bytes.length !== 32) throw new Error(`${what} key "${id}" must be 32 bytes of base64 (got ${bytes.length})`);
      return { id, bytes };
    });
  if (entries.length === 0) throw new Error(`${what} is empty`);
  return entries;
}
