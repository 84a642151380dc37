/**
 * One-sided tests of "the candidate is worse than the baseline", for the rollout guard and the
 * evidence panel. Both use the normal approximation, which the guard's minimum sample (50 requests
 * a side by default) keeps fair.
 */

/** P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26 on erfc, error below 1.5e-7). */
export function normalSurvival(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * Two-proportion z-test, pooled: p of seeing the candidate's failure rate this much above the
 * baseline's if both failed equally often. 1 when either side has no requests or nothing varies.
 */
export function proportionWorseP(baseFailures: number, baseN: number, candFailures: number, candN: number): number {
  if (baseN === 0 || candN === 0) return 1;
  const pooled = (baseFailures + candFailures) / (baseN + candN);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baseN + 1 / candN));
  if (se === 0) return 1;
  return normalSurvival((candFailures / candN - baseFailures / baseN) / se);
}

export type Sample = { n: number; mean: number; sd: number };

/** Welch's test on means (normal approximation): p of the candidate's mean being this much higher by chance. */
export function meanHigherP(base: Sample, cand: Sample): number {
  if (base.n < 2 || cand.n < 2) return 1;
  const se = Math.sqrt((base.sd * base.sd) / base.n + (cand.sd * cand.sd) / cand.n);
  if (se === 0) return cand.mean > base.mean ? 0 : 1;
  return normalSurvival((cand.mean - base.mean) / se);
}
