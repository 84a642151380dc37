import { describe, expect, it } from "vitest";
import { addValue } from "../histogram";
import { compareDistributions, ks, psi } from "./stats";

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
});
