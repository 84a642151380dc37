import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { sealV1 } from "./legacy-fixture";
import { decryptSecret, encryptSecret, needsRotation, parseMasterKeys, type SecretBinding } from "./secrets";

const key = (id: string) => `${id}:${crypto.randomBytes(32).toString("base64")}`;
const row: SecretBinding = { tenantId: "tenant_a", purpose: "provider.apiKey", rowId: "prov_1" };

describe("secrets", () => {
  it("round-trips and never stores the plaintext", () => {
    const keys = parseMasterKeys(key("a"));
    const sealed = encryptSecret("sk-live-123", row, keys);
    expect(sealed).toMatch(/^v2\.a\./);
    expect(sealed).not.toContain("sk-live-123");
    expect(decryptSecret(sealed, row, keys)).toBe("sk-live-123");
    expect(encryptSecret("sk-live-123", row, keys)).not.toBe(sealed);
  });

  it("opens only under the tenant, purpose and row it was sealed for", () => {
    const keys = parseMasterKeys(key("a"));
    const sealed = encryptSecret("sk-live-123", row, keys);
    expect(() => decryptSecret(sealed, { ...row, tenantId: "tenant_b" }, keys)).toThrow();
    expect(() => decryptSecret(sealed, { ...row, rowId: "prov_2" }, keys)).toThrow();
    expect(() => decryptSecret(sealed, { ...row, purpose: "other" as SecretBinding["purpose"] }, keys)).toThrow();
    // A dot would let two bindings join to the same additional data.
    expect(() => encryptSecret("x", { ...row, rowId: "a.b" }, keys)).toThrow(/no dot/);
  });

  it("opens only for the origin a credential was sealed for", () => {
    const keys = parseMasterKeys(key("a"));
    const forHost = { ...row, origin: "https://api.example.com" };
    const sealed = encryptSecret("sk-live-123", forHost, keys);
    expect(decryptSecret(sealed, forHost, keys)).toBe("sk-live-123");
    for (const origin of ["https://attacker.example", "http://api.example.com", "https://api.example.com:8443", null]) {
      expect(() => decryptSecret(sealed, { ...forHost, origin }, keys), String(origin)).toThrow();
    }
    // Nor does a value sealed without an origin open for one.
    expect(() => decryptSecret(encryptSecret("x", row, keys), forHost, keys)).toThrow();
  });

  it("rejects a tampered ciphertext", () => {
    const keys = parseMasterKeys(key("a"));
    const sealed = encryptSecret("secret", row, keys);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4], "base64url");
    body[0] ^= 1;
    parts[4] = body.toString("base64url");
    expect(() => decryptSecret(parts.join("."), row, keys)).toThrow();
  });

  it("accepts only a full 16-byte tag", () => {
    const keys = parseMasterKeys(key("a"));
    const parts = encryptSecret("secret", row, keys).split(".");
    for (const bytes of [4, 8, 12, 15]) {
      const cut = [...parts];
      cut[3] = Buffer.from(parts[3], "base64url").subarray(0, bytes).toString("base64url");
      expect(() => decryptSecret(cut.join("."), row, keys)).toThrow(/Not a Keel secret/);
    }
  });

  it("still opens v1 values, under any binding, and flags them for re-sealing", () => {
    const spec = key("a");
    const keys = parseMasterKeys(spec);
    const old = sealV1("sk-old", spec);
    expect(decryptSecret(old, row, keys)).toBe("sk-old");
    expect(needsRotation(old, keys)).toBe(true);
    expect(needsRotation(encryptSecret("sk-old", row, keys), keys)).toBe(false);
  });

  it("decrypts under an old key after rotation and flags it for re-sealing", () => {
    const old = key("old");
    const sealed = encryptSecret("secret", row, parseMasterKeys(old));
    const rotated = parseMasterKeys(`${key("new")},${old}`);
    expect(decryptSecret(sealed, row, rotated)).toBe("secret");
    expect(needsRotation(sealed, rotated)).toBe(true);
    expect(needsRotation(encryptSecret("secret", row, rotated), rotated)).toBe(false);
  });

  it("names a missing key", () => {
    const sealed = encryptSecret("secret", row, parseMasterKeys(key("gone")));
    expect(() => decryptSecret(sealed, row, parseMasterKeys(key("other")))).toThrow(/"gone"/);
  });

  it("explains a malformed master key", () => {
    expect(() => parseMasterKeys("nokey")).toThrow(/keyId:base64key/);
    expect(() => parseMasterKeys("a:c2hvcnQ=")).toThrow(/32 bytes/);
  });
});
