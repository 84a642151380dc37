import { DRIFT_RULE, type DriftFinding } from "./stats";

/**
 * Input drift between two samples of embeddings (unit vectors of the same model): the distance
 * between their centroids, and how often shuffling the pooled samples into two groups of the same
 * sizes gives a distance at least as large (a permutation test, so no assumption about how the
 * vectors spread). `rounds` shuffles, seeded so a finding reads the same each time it is computed.
 */
export function compareEmbeddings(reference: readonly ArrayLike<number>[], current: readonly ArrayLike<number>[], rounds = 999, seed = 1): DriftFinding {
  const n = reference.length;
  const m = current.length;
  const enough = n >= DRIFT_RULE.minInputs && m >= DRIFT_RULE.minInputs;
  if (n === 0 || m === 0) return { psi: null, test: "permutation", stat: 0, p: 1, reference: n, current: m, enough: false, drifted: false };
  const dims = reference[0].length;
  const pooled = [...reference, ...current];
  // The total of all vectors: a group's sum is enough to know the other's.
  const total = new Float64Array(dims);
  for (const v of pooled) for (let d = 0; d < dims; d++) total[d] += v[d];
  const distance = (groupSum: Float64Array) => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += (groupSum[d] / n - (total[d] - groupSum[d]) / m) ** 2;
    return Math.sqrt(s);
  };
  const sumOf = (indices: ArrayLike<number>) => {
    const out = new Float64Array(dims);
    for (let i = 0; i < indices.length; i++) {
      const v = pooled[indices[i]];
      for (let d = 0; d < dims; d++) out[d] += v[d];
    }
    return out;
  };
  const observed = distance(sumOf(Array.from({ length: n }, (_, i) => i)));
  let s = seed >>> 0 || 1;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const order = Uint32Array.from({ length: n + m }, (_, i) => i);
  let atLeast = 0;
  for (let r = 0; r < rounds; r++) {
    // A partial Fisher-Yates shuffle: the first n places are a random group of n.
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (n + m - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (distance(sumOf(order.subarray(0, n))) >= observed - 1e-12) atLeast++;
  }
  const p = (atLeast + 1) / (rounds + 1);
  return { psi: null, test: "permutation", stat: observed, p, reference: n, current: m, enough, drifted: enough && p < DRIFT_RULE.ksP && observed >= DRIFT_RULE.inputDistance };
}
