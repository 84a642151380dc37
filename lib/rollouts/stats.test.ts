import { describe, expect, it } from "vitest";
import { startRolloutSchema } from "./schemas";
import { meanHigherP, normalSurvival, proportionWorseP } from "./stats";

describe("rollout statistics", () => {
  it("normal tail matches known values", () => {
    expect(normalSurvival(0)).toBeCloseTo(0.5, 6);
    expect(normalSurvival(1.6449)).toBeCloseTo(0.05, 4);
    expect(normalSurvival(-1.96)).toBeCloseTo(0.975, 4);
  });

  it("finds a doubled failure rate significant on 2,000 requests a side, and equal rates not", () => {
    expect(proportionWorseP(20, 2_000, 40, 2_000)).toBeLessThan(0.01);
    expect(proportionWorseP(20, 2_000, 20, 2_000)).toBeCloseTo(0.5, 6);
    expect(proportionWorseP(40, 2_000, 20, 2_000)).toBeGreaterThan(0.99);
    expect(proportionWorseP(0, 0, 5, 10)).toBe(1);
  });

  it("tests a higher mean cost against its spread", () => {
    expect(meanHigherP({ n: 500, mean: 0.001, sd: 0.0002 }, { n: 500, mean: 0.0011, sd: 0.0002 })).toBeLessThan(0.001);
    expect(meanHigherP({ n: 500, mean: 0.001, sd: 0.01 }, { n: 500, mean: 0.0011, sd: 0.01 })).toBeGreaterThan(0.05);
  });
});

describe("rollout form", () => {
  const base = { endpointId: "e", candidateVersionId: "v", stickiness: "KEY", burnInMinutes: "30", guards: {} };
  it("reads steps in percent into basis points, with the guards' defaults", () => {
    const r = startRolloutSchema.parse({ ...base, steps: "0.5, 10%, 50" });
    expect(r.steps).toEqual([50, 1_000, 5_000]);
    expect(r.guards).toEqual({ maxErrorRateIncrease: 2, maxLatencyRatio: 1.5, maxCostRatio: 1.5, minRequests: 50, drift: true, maxEvalScoreDrop: 0.05 });
  });
  it("refuses steps that do not rise, exceed 100 %, have three decimals, or start above 50 % without an approval", () => {
    for (const steps of ["10, 10", "50, 101", "0.001", "", "a", "60, 100"]) expect(startRolloutSchema.safeParse({ ...base, steps }).success, steps).toBe(false);
  });
});
