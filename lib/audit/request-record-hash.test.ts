import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalRecord, checkRecordMac, costText, deriveMacKeys, merkleRoot, recordLeaf, recordMac, type CanonicalRecord } from "./request-record-hash";

const record: CanonicalRecord = {
  id: "req_1", tenantId: "t1", apiKeyId: "k1", userId: null, endpointId: "e1", endpointName: "chat", modelVersionId: "v1",
  route: "chat.completions", stream: false, inputHash: "ab", inputTokens: 12, outputTokens: 3, tokensEstimated: false,
  costUsd: "0.00012300", latencyMs: 40, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: "2026-12-03T10:00:00.123Z",
};
const sha = (...parts: Buffer[]) => crypto.createHash("sha256").update(Buffer.concat(parts)).digest();

describe("request record hashing", () => {
  it("prints costs as numeric(14,8) does", () => {
    expect(costText("0.00012300")).toBe("0.00012300");
    expect(costText(0.000123)).toBe("0.00012300");
    expect(costText(undefined)).toBe("0.00000000");
    expect(costText("12.5")).toBe("12.50000000");
    expect(costText(-0)).toBe("0.00000000");
    expect(() => costText("abc")).toThrow(/numeric/);
  });

  it("MACs under the derived key, names the key, and catches any changed field", () => {
    const spec = `k2:${crypto.randomBytes(32).toString("base64")},k1:${crypto.randomBytes(32).toString("base64")}`;
    const keys = deriveMacKeys(spec);
    const mac = recordMac(keys[0], canonicalRecord(record));
    expect(mac).toMatch(/^k2:[0-9a-f]{64}$/);
    expect(checkRecordMac(keys, canonicalRecord(record), mac)).toBe("ok");
    expect(checkRecordMac(keys, canonicalRecord({ ...record, costUsd: "0.00000000" }), mac)).toBe("mismatch");
    expect(checkRecordMac(keys, canonicalRecord({ ...record, userId: "" }), mac)).toBe("mismatch");
    expect(checkRecordMac(keys, canonicalRecord(record), null)).toBe("missing");
    expect(checkRecordMac(keys, canonicalRecord(record), `k9:${"0".repeat(64)}`)).toBe("unknown-key");
    // An older key still verifies what it wrote; a different seed does not.
    expect(checkRecordMac(keys, canonicalRecord(record), recordMac(keys[1], canonicalRecord(record)))).toBe("ok");
    expect(checkRecordMac(deriveMacKeys(`k2:${crypto.randomBytes(32).toString("base64")}`), canonicalRecord(record), mac)).toBe("mismatch");
  });

  it("keeps the earlier forms for records without a finish reason or a routed version, and covers both when set", () => {
    expect(canonicalRecord(record).startsWith("rr1[")).toBe(true);
    expect(canonicalRecord({ ...record, finishReason: "stop" })).toMatch(/^rr2\[.*"stop"\]$/);
    const routed = canonicalRecord({ ...record, routedVersionId: "v0" });
    expect(routed).toMatch(/^rr3\[.*,null,"v0"\]$/);
    // Clearing the routed version, or moving it, changes the form and so the MAC.
    expect(routed).not.toBe(canonicalRecord(record));
    expect(canonicalRecord({ ...record, finishReason: "stop", routedVersionId: "v0" })).not.toBe(canonicalRecord({ ...record, finishReason: "stop" }));
    expect(canonicalRecord({ ...record, routedVersionId: "v0" })).not.toBe(canonicalRecord({ ...record, routedVersionId: "v9" }));
  });

  it("covers a named end user in a form of its own, so clearing or changing it breaks the MAC", () => {
    const named = canonicalRecord({ ...record, finishReason: "stop", endUser: "user-42" });
    expect(named).toMatch(/^rr4\[.*,"stop",null,"user-42"\]$/);
    expect(named).not.toBe(canonicalRecord({ ...record, finishReason: "stop" }));
    expect(named).not.toBe(canonicalRecord({ ...record, finishReason: "stop", endUser: "user-43" }));
    // A user named like the fields before it cannot pass for a routed version.
    expect(canonicalRecord({ ...record, endUser: "v0" })).not.toBe(canonicalRecord({ ...record, routedVersionId: "v0" }));
  });

  it("builds the RFC 6962 Merkle tree: no duplicated leaf, odd trees split at a power of two", () => {
    const leaves = ["a", "b", "c"].map((s) => recordLeaf(s));
    expect(leaves[0].equals(sha(Buffer.from([0]), Buffer.from("a")))).toBe(true);
    const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
    expect(merkleRoot(leaves.slice(0, 1))).toBe(leaves[0].toString("hex"));
    expect(merkleRoot(leaves)).toBe(node(node(leaves[0], leaves[1]), leaves[2]).toString("hex"));
    // Duplicate-last trees give [a,b,c] and [a,b,c,c] one root; this one does not.
    expect(merkleRoot([...leaves, leaves[2]])).not.toBe(merkleRoot(leaves));
    expect(() => merkleRoot([])).toThrow();
  });
});
