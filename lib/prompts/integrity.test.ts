import { describe, expect, it } from "vitest";
import { claimOf, contentHash, differencesFrom } from "./integrity";
import { describeVersion } from "./write";

const version = { version: 2, content: { system: "Hi", messages: [], parameters: { temperature: 0.2 } }, endpointName: "chat", note: "n", restoredFrom: null };

describe("a version against its audit event", () => {
  it("reads the claim describeVersion wrote, and hashes content regardless of key order", () => {
    const after = { name: "support", version: describeVersion(version) };
    expect(claimOf(after)).toEqual({ name: "support", claim: { version: 2, endpointName: "chat", note: "n", restoredFrom: null, contentSha256: contentHash(version.content) } });
    expect(contentHash({ parameters: { temperature: 0.2 }, messages: [], system: "Hi" })).toBe(contentHash(version.content));
  });

  it("names every field that differs, and nothing when all agree", () => {
    const { claim } = claimOf({ name: "support", version: describeVersion(version) })!;
    const stored = { ...version, sha256: contentHash(version.content) };
    expect(differencesFrom(claim, stored)).toEqual([]);
    expect(differencesFrom(claim, { ...stored, sha256: contentHash({ system: "Other" }), endpointName: null, note: "", restoredFrom: 1 })).toEqual(["content", "endpoint", "note", "restored-from"]);
  });

  it("takes an event without a version for none", () => {
    for (const after of [null, "x", { name: "support" }, { version: { version: "2", contentSha256: "a" } }, { version: { version: 2 } }]) expect(claimOf(after)).toBeNull();
  });
});
