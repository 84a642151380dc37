import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "./http-body";

const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth));

describe("nestedDeeperThan", () => {
  it("measures arrays and objects alike, without recursing", () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan({ a: { b: { c: [1, "x", null] } } }, 3)).toBe(true);
    expect(nestedDeeperThan({ a: { b: { c: [1, "x", null] } } }, 4)).toBe(false);
    expect(nestedDeeperThan("text", 0)).toBe(false);
    // A recursive walk would overflow the stack here.
    expect(nestedDeeperThan(nested(200_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
