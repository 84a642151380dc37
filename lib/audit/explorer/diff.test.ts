import { describe, expect, it } from "vitest";
import { diffJson } from "./diff";

describe("diffJson", () => {
  it("names each changed, added and removed field by its path and keeps the unchanged ones", () => {
    const lines = diffJson(
      { role: "DEVELOPER", email: "a@x.test", limits: { rpm: 60 }, tags: ["a"] },
      { role: "AUDITOR", email: "a@x.test", limits: { rpm: 60, tpm: 1000 }, tags: [] },
    );
    expect(lines).toEqual([
      { path: "role", change: "changed", before: '"DEVELOPER"', after: '"AUDITOR"' },
      { path: "email", change: "same", before: '"a@x.test"', after: '"a@x.test"' },
      { path: "limits.rpm", change: "same", before: "60", after: "60" },
      { path: "tags[0]", change: "removed", before: '"a"' },
      { path: "limits.tpm", change: "added", after: "1000" },
      { path: "tags", change: "added", after: "[]" },
    ]);
  });

  it("shows a creation as every field added and a deletion as every field removed", () => {
    expect(diffJson(null, { name: "support" })).toEqual([{ path: "name", change: "added", after: '"support"' }]);
    expect(diffJson({ name: "support" }, null)).toEqual([{ path: "name", change: "removed", before: '"support"' }]);
  });

  it("stops at 500 lines however large the event", () => {
    const big = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    expect(diffJson(big, {}).length).toBe(500);
  });
});
