import { describe, expect, it } from "vitest";
import { canonicalJson } from "./chain";

/** The plain definition, as the audit chain first hashed with it: the one-pass version must match it. */
function reference(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("canonicalJson", () => {
  it("sorts keys at every depth, drops undefined members, and matches the plain definition, so stored hashes stay valid", () => {
    expect(canonicalJson({ model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 16 })).toBe(
      '{"max_tokens":16,"messages":[{"content":"hi","role":"user"}],"model":"m"}',
    );
    const values: unknown[] = [
      { z: 1, a: { y: [1, "two", null, true, { b: undefined, a: 0.5 }], x: "é\u2028\"" }, m: undefined, "": -0, "\u00e9": 1e21 },
      { B: 1, a: 2, _: 3, "10": 4, "9": 5 },
      [undefined, null, [], {}, new Date(0), "s"],
      "text",
      42,
      null,
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
  });
});
