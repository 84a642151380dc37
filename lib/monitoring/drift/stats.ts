/**
 * Distribution shift between a reference and a current histogram (counts per bucket, the same
 * buckets on both sides: lib/monitoring/histogram.ts).
 *
 * PSI, the population stability index: Σ (c - r) · ln(c / r) over the buckets' shares, with empty
 * buckets given half a count so that a bucket seen on one side only counts without dividing by
 * zero. By the usual reading, below 0.1 is stable, 0.1-0.25 a moderate shift, above 0.25 a major one.
 *
 * KS, the two-sample Kolmogorov-Smirnov statistic: the largest gap between the two cumulative
 * distributions, read at bucket edges (so never larger than the exact statistic), with its
 * asymptotic p-value for sample sizes n and m.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  const size = Math.max(reference.length, current.length);
  const r = smoothedShares(reference, size);
  const c = smoothedShares(current, size);
  let total = 0;
  for (let i = 0; i < size; i++) total += (c[i] - r[i]) * Math.log(c[i] / r[i]);
  return total;
}

function smoothedShares(counts: readonly number[], size: number): number[] {
  const smoothed = Array.from({ length: size }, (_, i) => (counts[i] ?? 0) + 0.5);
  const total = smoothed.reduce((s, v) => s + v, 0);
  return smoothed.map((v) => v / total);
}

export function ks(reference: readonly number[], current: readonly number[]): { d: number; p: number } {
  const n = sum(reference);
  const m = sum(current);
  if (n === 0 || m === 0) return { d: 0, p: 1 };
  let a = 0;
  let b = 0;
  let d = 0;
  for (let i = 0; i < Math.max(reference.length, current.length); i++) {
    a += reference[i] ?? 0;
    b += current[i] ?? 0;
    d = Math.max(d, Math.abs(a / n - b / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { d, p: kolmogorovSurvival((en + 0.12 + 0.11 / en) * d) };
}

/** P(K > x) for the Kolmogorov distribution: 2 Σ (-1)^(k-1) e^(-2k²x²). */
function kolmogorovSurvival(x: number): number {
  if (x < 0.2) return 1;
  let total = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * x * x);
    total += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, total));
}

const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);

/** When a metric counts as drifted: a major PSI shift that is also significant (KS), on enough requests each side. */
export const DRIFT_RULE = { psi: 0.25, ksP: 0.01, minSamples: 200 } as const;

export type DriftFinding = { psi: number; ksD: number; ksP: number; reference: number; current: number; drifted: boolean; enough: boolean };

/** Compares two histograms under DRIFT_RULE. */
export function compareDistributions(reference: readonly number[], current: readonly number[]): DriftFinding {
  const n = sum(reference);
  const m = sum(current);
  const enough = n >= DRIFT_RULE.minSamples && m >= DRIFT_RULE.minSamples;
  const p = psi(reference, current);
  const k = ks(reference, current);
  return { psi: p, ksD: k.d, ksP: k.p, reference: n, current: m, enough, drifted: enough && p >= DRIFT_RULE.psi && k.p < DRIFT_RULE.ksP };
}
