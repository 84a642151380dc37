// Rollup lag under gateway load, for `npm run bench:monitoring`: applications call Keel's gateway
// (half streaming) as hard as the connections allow, while the probe inside Keel
// (monitoring-lag-probe.mjs) samples which of the tenant's records the rollups have not counted yet:
// the oldest one's age is the lag. (Newest written against newest counted would read a quiet spell
// before the load as minutes of lag, until the first live record is counted.)
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { runLoad, type LoadResult } from "./load";
import { percentile } from "./monitoring-charts";

/** One probe answer: when (this machine's clock), the database's clock, the oldest record not yet counted, how many wait. */
export type LagSample = { t: number; now: number; oldest: number | null; pending: number; error?: string };

export type Lag = {
  samples: number;
  /** How long the oldest record not yet counted had waited (0 when none waited), ms. */
  lag: { p50: number; p95: number; max: number };
  /** How many records waited to be counted. */
  pending: { p50: number; p95: number; max: number };
  /** After the load stopped: until no record waited, ms (null: not within the wait). */
  drainMs: number | null;
  rps: number; ok: number; errors: number; errorKinds: string[];
  probeErrors: string[];
};

export function readSamples(file: string): LagSample[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LagSample);
}

const stats = (xs: number[]) => (xs.length ? { p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) } : { p50: NaN, p95: NaN, max: NaN });

/**
 * Drives the gateway with `connections` (half non-streaming, half streaming) for a warm-up and
 * `seconds`, then waits up to 60 s for the rollups to count every record. Lag figures are over
 * the samples taken in the measured window.
 */
export async function measureLag(opts: { origin: string; apiKey: string; model: string; connections: number; seconds: number; probeFile: string }): Promise<Lag> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${opts.apiKey}` };
  const messages = [{ role: "user", content: "Say hello." }];
  let window: [number, number] = [0, 0];
  const half = Math.max(1, Math.floor(opts.connections / 2));
  const load = (stream: boolean) =>
    runLoad(
      {
        origin: opts.origin, path: "/api/v1/chat/completions", headers, stream,
        body: JSON.stringify({ model: opts.model, messages, max_tokens: 16, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
      },
      {
        connections: stream ? opts.connections - half : half, warmupMs: 3_000, durationMs: opts.seconds * 1000,
        onWindow: stream ? undefined : (phase) => (phase === "start" ? (window[0] = Date.now()) : (window[1] = Date.now())),
      },
    );
  const results: LoadResult[] = await Promise.all([load(false), load(true)]);
  const stopped = Date.now();

  let drainMs: number | null = null;
  for (let waited = 0; waited < 60_000; waited += 250) {
    const last = readSamples(opts.probeFile).at(-1);
    if (last && last.t > stopped && !last.error && last.pending === 0) {
      drainMs = last.t - stopped;
      break;
    }
    await sleep(250);
  }
  const all = readSamples(opts.probeFile);
  const inWindow = all.filter((s) => s.t >= window[0] && s.t <= window[1] && !s.error);
  const errorKinds = new Map<string, number>();
  for (const r of results) for (const [kind, e] of r.errorKinds) errorKinds.set(`${kind}: ${e.sample}`, (errorKinds.get(`${kind}: ${e.sample}`) ?? 0) + e.count);
  return {
    samples: inWindow.length,
    lag: stats(inWindow.map((s) => (s.oldest === null ? 0 : Math.max(0, s.now - s.oldest)))),
    pending: stats(inWindow.map((s) => s.pending)),
    drainMs,
    rps: results.reduce((a, r) => a + r.rps, 0),
    ok: results.reduce((a, r) => a + r.ok, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    errorKinds: [...errorKinds].map(([k, n]) => `${n} × ${k}`),
    probeErrors: [...new Set(all.filter((s) => s.error && s.t >= window[0] && s.t <= window[1]).map((s) => s.error!))],
  };
}
