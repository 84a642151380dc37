import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseAuditKeys, parseAuditPublicKeys, publicKeySpec, publicKeysOf, signHead, verifyHead } from "./signer";

const spec = (id: string) => `${id}:${crypto.randomBytes(32).toString("base64")}`;
const head = { tenantId: "t1", seq: 7, hash: "a".repeat(64), signedAt: new Date("2026-12-03T10:00:00.123Z") };

describe("audit head signer", () => {
  it("signs with the first key and verifies with the public key alone", () => {
    const keys = parseAuditKeys(`${spec("k2")},${spec("k1")}`);
    const signed = signHead(keys, head);
    expect(signed.keyId).toBe("k2");
    const offline = parseAuditPublicKeys(publicKeySpec(keys));
    expect(verifyHead(offline, signed)).toBe(true);
  });

  it("rejects a head whose seq, hash, tenant or time changed, and a key it does not hold", () => {
    const keys = parseAuditKeys(spec("k1"));
    const signed = signHead(keys, head);
    const pub = publicKeysOf(keys);
    expect(verifyHead(pub, { ...signed, seq: 6 })).toBe(false);
    expect(verifyHead(pub, { ...signed, hash: "b".repeat(64) })).toBe(false);
    expect(verifyHead(pub, { ...signed, tenantId: "t2" })).toBe(false);
    expect(verifyHead(pub, { ...signed, signedAt: new Date(head.signedAt.getTime() + 1) })).toBe(false);
    expect(verifyHead(pub, { ...signed, signature: "not base64 at all" })).toBe(false);
    expect(verifyHead(publicKeysOf(parseAuditKeys(spec("k1"))), signed)).toBe(false);
    expect(verifyHead(pub, { ...signed, keyId: "k9" })).toBe(false);
  });

  it("keeps verifying heads signed by an older key after a rotation", () => {
    const old = spec("k1");
    const signedBefore = signHead(parseAuditKeys(old), head);
    const rotated = parseAuditKeys(`${spec("k2")},${old}`);
    expect(verifyHead(publicKeysOf(rotated), signedBefore)).toBe(true);
  });

  it("refuses malformed specs, naming what is wrong", () => {
    expect(() => parseAuditKeys("")).toThrow(/empty/);
    expect(() => parseAuditKeys("nokey")).toThrow(/keyId:base64key/);
    expect(() => parseAuditKeys(`k1:${Buffer.alloc(16).toString("base64")}`)).toThrow(/32 bytes/);
  });
});
