import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, needsRotation, parseMasterKeys } from "./secrets";

const key = (id: string) => `${id}:${crypto.randomBytes(32).toString("base64")}`;

describe("secrets", () => {
  it("round-trips and never stores the plaintext", () => {
    const keys = parseMasterKeys(key("a"));
    const sealed = encryptSecret("sk-live-123", keys);
    expect(sealed).not.toContain("sk-live-123");
    expect(decryptSecret(sealed, keys)).toBe("sk-live-123");
    expect(encryptSecret("sk-live-123", keys)).not.toBe(sealed);
  });

  it("rejects a tampered ciphertext", () => {
    const keys = parseMasterKeys(key("a"));
    const sealed = encryptSecret("secret", keys);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4], "base64url");
    body[0] ^= 1;
    parts[4] = body.toString("base64url");
    expect(() => decryptSecret(parts.join("."), keys)).toThrow();
  });

  it("decrypts under an old key after rotation and flags it for re-sealing", () => {
    const old = key("old");
    const sealed = encryptSecret("secret", parseMasterKeys(old));
    const rotated = parseMasterKeys(`${key("new")},${old}`);
    expect(decryptSecret(sealed, rotated)).toBe("secret");
    expect(needsRotation(sealed, rotated)).toBe(true);
    expect(needsRotation(encryptSecret("secret", rotated), rotated)).toBe(false);
  });

  it("names a missing key", () => {
    const sealed = encryptSecret("secret", parseMasterKeys(key("gone")));
    expect(() => decryptSecret(sealed, parseMasterKeys(key("other")))).toThrow(/"gone"/);
  });

  it("explains a malformed master key", () => {
    expect(() => parseMasterKeys("nokey")).toThrow(/keyId:base64key/);
    expect(() => parseMasterKeys("a:c2hvcnQ=")).toThrow(/32 bytes/);
  });
});
