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

/**
 * When a metric counts as drifted: a major PSI shift that is also significant (the metric's test), on
 * enough requests each side (evaluation scores: enough cases each side). Input drift has no PSI (embeddings have no buckets); its centroid
 * distance must be significant under the permutation test and at least `inputDistance` apart.
 */
export const DRIFT_RULE = { psi: 0.25, ksP: 0.01, minSamples: 200, minCases: 20, minInputs: 50, inputDistance: 0.05 } as const;

export type DriftTest = "KS" | "chi-square" | "permutation";
/**
 * A comparison of a reference window with the current one: PSI (null for inputs), the test used
 * with its statistic (KS D, χ², centroid distance) and p-value, and the samples on each side.
 */
export type DriftFinding = { psi: number | null; test: DriftTest; stat: number; p: number; reference: number; current: number; drifted: boolean; enough: boolean };

const TEST_NAMES: Record<DriftTest, string> = { KS: "KS D", "chi-square": "χ²", permutation: "centroid distance" };

/** A p-value as people read it. */
export const pText = (p: number) => (p < 0.0001 ? "< 0.0001" : p.toFixed(4));

/** The statistic's name and value, as the drift table and alerts say it: "KS D 0.214", "χ² 31.2", "centroid distance 0.120". */
export const statText = (f: DriftFinding) => `${TEST_NAMES[f.test]} ${f.test === "chi-square" ? f.stat.toFixed(1) : f.stat.toFixed(3)}`;

/** A finding in one line: "PSI 0.31, KS D 0.214 (p < 0.0001)". */
export const findingText = (f: DriftFinding) => `${f.psi === null ? "" : `PSI ${f.psi.toFixed(2)}, `}${statText(f)} (p ${pText(f.p)})`;

/** Compares two histograms (ordered buckets) under DRIFT_RULE, with the KS test, on at least `minSamples` a side. */
export function compareDistributions(reference: readonly number[], current: readonly number[], minSamples: number = DRIFT_RULE.minSamples): DriftFinding {
  const n = sum(reference);
  const m = sum(current);
  const enough = n >= minSamples && m >= minSamples;
  const p = psi(reference, current);
  const k = ks(reference, current);
  return { psi: p, test: "KS", stat: k.d, p: k.p, reference: n, current: m, enough, drifted: enough && p >= DRIFT_RULE.psi && k.p < DRIFT_RULE.ksP };
}

/** Compares two sets of counts by category (finish reasons, refused or not) under DRIFT_RULE, with the χ² test of homogeneity. */
export function compareCategories(reference: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>): DriftFinding {
  const names = [...new Set([...Object.keys(reference), ...Object.keys(current)])].sort();
  // Own properties only: a provider's reason may be named "constructor".
  const count = (counts: Readonly<Record<string, number>>, k: string) => (Object.hasOwn(counts, k) ? Number(counts[k]) : 0);
  const ref = names.map((k) => count(reference, k));
  const cur = names.map((k) => count(current, k));
  const n = sum(ref);
  const m = sum(cur);
  const enough = n >= DRIFT_RULE.minSamples && m >= DRIFT_RULE.minSamples;
  const p = names.length ? psi(ref, cur) : 0;
  const c = chiSquare(ref, cur);
  return { psi: p, test: "chi-square", stat: c.x2, p: c.p, reference: n, current: m, enough, drifted: enough && p >= DRIFT_RULE.psi && c.p < DRIFT_RULE.ksP };
}

/** The χ² test of homogeneity of two rows of counts: the statistic and its p-value (categories seen on neither side dropped). */
export function chiSquare(a: readonly number[], b: readonly number[]): { x2: number; p: number } {
  const n = sum(a);
  const m = sum(b);
  if (n === 0 || m === 0) return { x2: 0, p: 1 };
  let x2 = 0;
  let df = -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const col = (a[i] ?? 0) + (b[i] ?? 0);
    if (col === 0) continue;
    df += 1;
    const ea = (col * n) / (n + m);
    const eb = (col * m) / (n + m);
    x2 += ((a[i] ?? 0) - ea) ** 2 / ea + ((b[i] ?? 0) - eb) ** 2 / eb;
  }
  return { x2, p: df < 1 ? 1 : upperGamma(df / 2, x2 / 2) };
}

/** Q(s, x), the regularized upper incomplete gamma function: a series below s + 1, a continued fraction above. */
function upperGamma(s: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + s * Math.log(x) - logGamma(s));
  if (x < s + 1) {
    let term = 1 / s;
    let total = term;
    for (let k = 1; k < 1000 && term > total * 1e-15; k++) total += (term *= x / (s + k));
    return Math.max(0, 1 - total * front);
  }
  // Lentz's method for the continued fraction of Γ(s, x).
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, front * h);
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7). */
function logGamma(z: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = g[0];
  for (let i = 1; i < 9; i++) x += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}
