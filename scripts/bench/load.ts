// The load generator of `npm run bench:gateway`: `connections` workers over one undici Pool, each
// looping requests for a warm-up and then a measured window. A request counts when it completes
// inside the window; latencies and req/s are over the 2xx answers, everything else is an error.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";

export type LoadTarget = {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Bodies to send in turn instead of `body` (e.g. one per end user), when set. */
  bodies?: string[];
  stream: boolean;
};

export type Percentiles = { p50: number; p99: number };

export type LoadResult = {
  /** 2xx answers that completed in the measured window, per second. */
  rps: number;
  ok: number;
  /** Non-2xx answers, bad bodies and connection failures in the measured window. */
  errors: number;
  /** Every request issued, warm-up and in-flight ones at the end included. */
  sent: number;
  seconds: number;
  /** Whole-response latency of the 2xx answers, ms; null when there were none. */
  latency: Percentiles | null;
  /** Streaming only: time to the first body chunk of the 2xx answers, ms. */
  ttfb: Percentiles | null;
  /** What went wrong, by kind, with one sample each (warm-up included). */
  errorKinds: Map<string, { count: number; sample: string }>;
};

export type LoadOptions = {
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Called as the measured window opens and closes (to sample CPU use, say). */
  onWindow?: (phase: "start" | "end") => void;
};

export async function runLoad(target: LoadTarget, opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(target.origin, {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  const errorKinds = new Map<string, { count: number; sample: string }>();
  let measuring = false;
  let stopping = false;
  let ok = 0;
  let errors = 0;
  let sent = 0;

  const fail = (kind: string, sample: string) => {
    if (measuring) errors++;
    const entry = errorKinds.get(kind);
    if (entry) entry.count++;
    else errorKinds.set(kind, { count: 1, sample: sample.replace(/\s+/g, " ").slice(0, 200) });
  };

  const worker = async () => {
    while (!stopping) {
      sent++;
      const start = performance.now();
      try {
        const sending = target.bodies ? target.bodies[sent % target.bodies.length] : target.body;
        const { statusCode, body } = await pool.request({ path: target.path, method: "POST", headers: target.headers, body: sending });
        let first = 0;
        let tail = "";
        let whole = "";
        const good = statusCode >= 200 && statusCode < 300;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (first === 0) first = performance.now();
          if (!good || !target.stream) whole += chunk.toString("utf8");
          else tail = (tail + chunk.toString("utf8")).slice(-64);
        }
        const end = performance.now();
        if (!good) {
          fail(`HTTP ${statusCode}`, whole);
        } else if (target.stream ? !tail.includes("data: [DONE]") : !whole.includes('"choices"')) {
          fail(target.stream ? "stream ended without data: [DONE]" : "2xx without choices", target.stream ? tail : whole);
        } else if (measuring) {
          ok++;
          latencies.push(end - start);
          if (target.stream) ttfbs.push((first || end) - start);
        }
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        fail(`request failed: ${e.code ?? e.name}`, e.message);
        // A target that refuses connections would otherwise spin this loop flat out.
        await sleep(5);
      }
    }
  };

  const workers = Array.from({ length: opts.connections }, worker);
  await sleep(opts.warmupMs);
  opts.onWindow?.("start");
  measuring = true;
  const windowStart = performance.now();
  await sleep(opts.durationMs);
  measuring = false;
  const seconds = (performance.now() - windowStart) / 1000;
  opts.onWindow?.("end");
  stopping = true;
  await Promise.all(workers);
  await pool.close();

  return {
    rps: ok / seconds,
    ok,
    errors,
    sent,
    seconds,
    latency: percentiles(latencies),
    ttfb: target.stream ? percentiles(ttfbs) : null,
    errorKinds,
  };
}

/** Nearest-rank p50 and p99. */
export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { p50: at(0.5), p99: at(0.99) };
}
