import { describe, expect, it } from "vitest";
import { bucketOf, inCandidateShare } from "./steps/route";

describe("the rollout split", () => {
  it("spreads callers evenly over the buckets (χ² over 10 bins of 100,000 ids, ids that differ only at the end)", () => {
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(bucketOf(`rollout-1\u0000k:key-${i}`) / 1_000)]++;
    const x2 = bins.reduce((s, n) => s + (n - 10_000) ** 2 / 10_000, 0);
    expect(x2).toBeLessThan(27.9); // χ²(9) at p = 0.001
  });

  it("keeps a caller in the candidate's share as the weight rises, and a new rollout draws afresh", () => {
    const at = (weightBp: number, id = "r1") => Array.from({ length: 5_000 }, (_, i) => inCandidateShare({ id, weightBp, stickiness: "KEY" }, `key-${i}`, undefined));
    const one = at(100);
    const ten = at(1_000);
    expect(one.every((inside, i) => !inside || ten[i])).toBe(true);
    const other = at(1_000, "r2");
    const same = ten.filter((inside, i) => inside && other[i]).length;
    expect(same).toBeLessThan(ten.filter(Boolean).length / 2);
  });

  it("sticks by the end user under USER stickiness, and by the key when the request names none", () => {
    const rollout = { id: "r1", weightBp: 5_000, stickiness: "USER" as const };
    const sides = new Set(Array.from({ length: 50 }, (_, k) => inCandidateShare(rollout, `key-${k}`, "alice")));
    expect(sides.size).toBe(1);
    expect(inCandidateShare(rollout, "key-1", undefined)).toBe(inCandidateShare({ ...rollout, stickiness: "KEY" }, "key-1", "bob"));
  });

  it("sends nobody at 0 and everybody at 100 %", () => {
    expect(inCandidateShare({ id: "r", weightBp: 0, stickiness: "KEY" }, "k", undefined)).toBe(false);
    expect(inCandidateShare({ id: "r", weightBp: 10_000, stickiness: "KEY" }, "k", undefined)).toBe(true);
  });
});
