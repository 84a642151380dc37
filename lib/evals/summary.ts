/**
 * A run's summary with 95 % confidence intervals: the mean score (normal approximation, t-free at
 * the sizes evaluations have) and the pass rate (Wilson score interval, which stays inside 0–1 and
 * holds at small n and rates near 0 or 1). Shared by Keel's runs and the `keel eval` CLI.
 */
export type Summary = {
  cases: number;
  scored: number;
  /** Cases the scorer could not score (the call failed, or the scorer could not run). */
  failed: number;
  passed: number;
  meanScore: number;
  meanCi: [number, number];
  passRate: number;
  passCi: [number, number];
};

const Z = 1.96;

export function summarize(scores: readonly { score: number; passed: boolean }[], failed = 0): Summary {
  const n = scores.length;
  const cases = n + failed;
  // A case that could not be scored counts as 0: an evaluation must not pass by failing to run.
  const all = [...scores.map((s) => s.score), ...Array(failed).fill(0)];
  const mean = cases ? all.reduce((a, b) => a + b, 0) / cases : 0;
  const sd = cases > 1 ? Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (cases - 1)) : 0;
  const half = cases > 1 ? (Z * sd) / Math.sqrt(cases) : 0;
  const passed = scores.filter((s) => s.passed).length;
  return {
    cases,
    scored: n,
    failed,
    passed,
    meanScore: mean,
    meanCi: [clamp(mean - half), clamp(mean + half)],
    passRate: cases ? passed / cases : 0,
    passCi: wilson(passed, cases),
  };
}

export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const denom = 1 + (Z * Z) / n;
  const centre = (p + (Z * Z) / (2 * n)) / denom;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / denom;
  return [clamp(centre - half), clamp(centre + half)];
}

const clamp = (v: number) => Math.max(0, Math.min(1, v));

/** "0.82 (95 % CI 0.75–0.89)". */
export const ciText = (value: number, ci: [number, number]) => `${value.toFixed(2)} (95 % CI ${ci[0].toFixed(2)}–${ci[1].toFixed(2)})`;
