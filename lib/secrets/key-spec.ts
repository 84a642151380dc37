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

/**
 * A getter for the keys in an environment variable, parsed by `parse` once per distinct value.
 * server.ts sets the variables from lib/config.ts; the test database helper sets random ones.
 */
export function keysFromEnv<T>(name: "KEEL_MASTER_KEY" | "KEEL_AUDIT_SIGNING_KEY", parse: (spec: string) => T): () => T {
  let cached: { spec: string; keys: T } | undefined;
  return () => {
    const spec = process.env[name];
    if (!spec) throw new Error(`${name} is not set: start Keel through server.ts, which loads or generates it.`);
    if (cached?.spec !== spec) cached = { spec, keys: parse(spec) };
    return cached.keys;
  };
}
