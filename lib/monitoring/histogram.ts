/**
 * Histograms that add up (latency in ms, output length in tokens): bucket i ≥ 1 holds values in [γ^(i-1), γ^i), bucket 0
 * holds 0. Two histograms merge by adding counts bucket by bucket, so a day's p99 from 1,440 minutes
 * is the p99 of its requests, which averaging the minutes' p99s is not. A percentile read back is
 * within (γ-1)/(γ+1) ≈ 4.8% of the true value (the bucket's representative point), whatever the
 * spread, in 160 buckets up to about 45 minutes.
 */
export const GAMMA = 1.1;
const LN_GAMMA = Math.log(GAMMA);
export const MAX_BUCKET = 160;

/** The bucket a value (ms) falls in. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(MAX_BUCKET, 1 + Math.floor(Math.log(ms) / LN_GAMMA + 1e-9));
}

/** The value a bucket stands for: the point of least relative error over its range. */
export function valueOf(bucket: number): number {
  if (bucket <= 0) return 0;
  const low = GAMMA ** (bucket - 1);
  return (2 * low * GAMMA) / (GAMMA + 1);
}

/** Adds one value to a histogram (counts by bucket, grown as needed). */
export function addValue(counts: number[], ms: number): void {
  const b = bucketOf(ms);
  while (counts.length <= b) counts.push(0);
  counts[b] += 1;
}

/** Adds `from` into `into`, bucket by bucket. */
export function mergeInto(into: number[], from: readonly number[]): void {
  while (into.length < from.length) into.push(0);
  for (let i = 0; i < from.length; i++) into[i] += from[i];
}

/** The q-quantile (0 < q ≤ 1) of a histogram, or null when it holds nothing: the nearest-rank value. */
export function quantile(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return valueOf(i);
  }
  return valueOf(counts.length - 1);
}

/** The histogram as Postgres array text, trailing zeros dropped: '{0,3,1}'. */
export function histogramLiteral(counts: readonly number[]): string {
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end -= 1;
  return `{${counts.slice(0, end).join(",")}}`;
}
