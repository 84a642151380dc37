import { describe, expect, it } from "vitest";
import { addValue } from "../histogram";
import { chiSquare, compareCategories, compareDistributions, ks, psi } from "./stats";

/** A seeded stream of log-normal output lengths around `median` tokens. */
function lengths(seed: number, n: number, median: number): number[] {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return Math.max(1, Math.round(median * Math.exp(0.5 * z)));
  });
}
const histogram = (values: number[]) => {
  const h: number[] = [];
  values.forEach((v) => addValue(h, v));
  return h;
};

describe("drift statistics", () => {
  it("read zero for identical distributions and grow with the shift", () => {
    const ref = histogram(lengths(1, 2000, 200));
    expect(psi(ref, ref)).toBeCloseTo(0, 10);
    expect(ks(ref, ref)).toEqual({ d: 0, p: 1 });
    const small = psi(ref, histogram(lengths(2, 2000, 220)));
    const large = psi(ref, histogram(lengths(3, 2000, 400)));
    expect(large).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(0.25);
  });

  it("rarely flag unchanged traffic and nearly always flag output length that doubled (rates over 300 windows)", () => {
    const ref = histogram(lengths(7, 3000, 180));
    let falseAlarms = 0;
    let caught = 0;
    const windows = 300;
    for (let w = 0; w < windows; w++) {
      if (compareDistributions(ref, histogram(lengths(1000 + w, 500, 180))).drifted) falseAlarms++;
      if (compareDistributions(ref, histogram(lengths(5000 + w, 500, 360))).drifted) caught++;
    }
    console.log(`drift rule over ${windows} windows of 500 requests: false alarms ${falseAlarms}/${windows}, shifts caught ${caught}/${windows}`);
    expect(falseAlarms / windows).toBeLessThanOrEqual(0.01);
    expect(caught / windows).toBeGreaterThanOrEqual(0.99);
  });

  it("do not judge on too few requests", () => {
    const f = compareDistributions(histogram(lengths(1, 100, 100)), histogram(lengths(2, 100, 1000)));
    expect(f).toMatchObject({ enough: false, drifted: false });
  });

  it("test counts by category with χ² (p as tables give it)", () => {
    const { x2, p } = chiSquare([10, 20], [20, 10]);
    expect(x2).toBeCloseTo(6.667, 3);
    expect(p).toBeCloseTo(0.00982, 4);
    expect(chiSquare([50, 30, 20], [48, 33, 19]).p).toBeGreaterThan(0.9);
    expect(chiSquare([5, 0], [5, 0]).p).toBe(1);
  });

  it("rarely flag unchanged finish reasons and catch answers cut short five times as often (rates over 300 windows)", () => {
    let s = 3;
    const uniform = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
    const reasons = (n: number, length: number) => {
      const counts: Record<string, number> = { stop: 0, length: 0, content_filter: 0 };
      for (let i = 0; i < n; i++) {
        const u = uniform();
        counts[u < length ? "length" : u < length + 0.02 ? "content_filter" : "stop"] += 1;
      }
      return counts;
    };
    const ref = reasons(3000, 0.05);
    let falseAlarms = 0;
    let caught = 0;
    for (let w = 0; w < 300; w++) {
      if (compareCategories(ref, reasons(500, 0.05)).drifted) falseAlarms++;
      if (compareCategories(ref, reasons(500, 0.25)).drifted) caught++;
    }
    console.log(`finish reasons over 300 windows of 500 answers: false alarms ${falseAlarms}/300, shifts caught ${caught}/300`);
    expect(falseAlarms / 300).toBeLessThanOrEqual(0.01);
    expect(caught / 300).toBeGreaterThanOrEqual(0.95);
  });
});
