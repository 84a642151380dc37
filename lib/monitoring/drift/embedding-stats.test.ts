import { describe, expect, it } from "vitest";
import { compareEmbeddings } from "./embedding-stats";

/** Seeded unit vectors scattered around a direction: `spread` of noise per dimension. */
function cloud(seed: number, n: number, center: number[], spread = 0.08): number[][] {
  let s = seed;
  const gauss = () => {
    const u = ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
    const v = ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return Array.from({ length: n }, () => {
    const x = center.map((c) => c + spread * gauss());
    const norm = Math.hypot(...x);
    return x.map((v) => v / norm);
  });
}
const DIMS = 64;
const axis = (i: number) => Array.from({ length: DIMS }, (_, d) => (d === i ? 1 : 0.2));
const between = (a: number[], b: number[], t: number) => a.map((v, i) => v * (1 - t) + b[i] * t);

describe("input drift statistics", () => {
  it("rarely flag inputs from the same place and catch inputs that moved (rates over 100 windows)", () => {
    const ref = cloud(1, 200, axis(0));
    let falseAlarms = 0;
    let caught = 0;
    const windows = 100;
    for (let w = 0; w < windows; w++) {
      if (compareEmbeddings(ref, cloud(100 + w, 100, axis(0)), 199, w + 1).drifted) falseAlarms++;
      if (compareEmbeddings(ref, cloud(500 + w, 100, between(axis(0), axis(1), 0.3)), 199, w + 1).drifted) caught++;
    }
    console.log(`input drift over ${windows} windows of 100 inputs: false alarms ${falseAlarms}/${windows}, shifts caught ${caught}/${windows}`);
    expect(falseAlarms / windows).toBeLessThanOrEqual(0.03);
    expect(caught / windows).toBeGreaterThanOrEqual(0.95);
  });

  it("read the same each time, and do not judge on too few inputs", () => {
    const a = cloud(1, 60, axis(0));
    const b = cloud(2, 60, axis(1));
    expect(compareEmbeddings(a, b)).toEqual(compareEmbeddings(a, b));
    expect(compareEmbeddings(a.slice(0, 20), b.slice(0, 20))).toMatchObject({ enough: false, drifted: false, test: "permutation", psi: null });
    expect(compareEmbeddings([], b)).toMatchObject({ p: 1, drifted: false });
  });
});
