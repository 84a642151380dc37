import { describe, expect, it } from "vitest";
import { GAMMA, addValue, bucketOf, histogramLiteral, mergeInto, quantile, valueOf } from "./histogram";

const exact = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
};
const maxError = (GAMMA - 1) / (GAMMA + 1);

describe("latency histogram", () => {
  it("puts every value in a bucket whose range holds it", () => {
    for (const v of [1, 2, 3, 10, 99, 100, 101, 1234, 60_000, 3_600_000]) {
      const b = bucketOf(v);
      expect(GAMMA ** (b - 1)).toBeLessThanOrEqual(v * (1 + 1e-9));
      if (b < 160) expect(GAMMA ** b).toBeGreaterThan(v);
    }
    expect(bucketOf(0)).toBe(0);
    expect(valueOf(0)).toBe(0);
  });

  it("reads percentiles within its stated error, on skewed and spread data", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sets = [
      Array.from({ length: 5000 }, () => Math.round(20 + random() * 30)),
      Array.from({ length: 5000 }, () => Math.round(Math.exp(2 + random() * 8))),
      [...Array.from({ length: 990 }, () => 40), ...Array.from({ length: 10 }, () => 9000)],
    ];
    for (const values of sets) {
      const h: number[] = [];
      for (const v of values) addValue(h, v);
      for (const q of [0.5, 0.95, 0.99]) {
        const want = exact(values, q);
        expect(Math.abs(quantile(h, q)! - want) / want).toBeLessThanOrEqual(maxError + 1e-9);
      }
    }
  });

  it("merges so that the merged percentile is the percentile of all values", () => {
    const a = [5, 6, 7, 8, 500];
    const b = [9, 10, 11, 12, 13, 14, 15, 16, 17, 2000];
    const ha: number[] = [];
    const hb: number[] = [];
    a.forEach((v) => addValue(ha, v));
    b.forEach((v) => addValue(hb, v));
    const merged = [...ha];
    mergeInto(merged, hb);
    const all: number[] = [];
    [...a, ...b].forEach((v) => addValue(all, v));
    expect(merged).toEqual(all);
    expect(quantile(merged, 0.5)).toBe(quantile(all, 0.5));
    expect(quantile([], 0.5)).toBeNull();
  });

  it("writes Postgres array text without trailing zeros", () => {
    expect(histogramLiteral([0, 2, 0, 1, 0, 0])).toBe("{0,2,0,1}");
    expect(histogramLiteral([0, 0])).toBe("{}");
  });
});
