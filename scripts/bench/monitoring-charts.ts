// What `npm run bench:monitoring` times for the charts: the monitoring overview's data layer over 30
// days (the rollups), and the baseline a console without rollups would run (the same series
// straight from the request records); and the checks that the two say the same thing.
// Imported after the `server-only` marker is mapped to an empty module (see bench-monitoring.ts).
import type pg from "pg";
import { db } from "../../lib/db/client";
import { usageBreakdown, usageSeries, type UsagePoint } from "../../lib/monitoring/data";
import { rangeWindow } from "../../lib/monitoring/ranges";

export type Case = { name: string; run: () => Promise<unknown> };
export type Timing = { name: string; samples: number[]; p50: number; p95: number; max: number };

type BaselineRow = { t: number | null; requests: number; errors: number; inputTokens: number; outputTokens: number; cost: string; latency: number[] | null; ttft: number[] | null };

/**
 * The 30-day series from the records themselves, per 6-hour step with the range's totals in the
 * same statement: counts, errors, tokens, cost and percentile_cont latency and time to first token.
 * What a console without rollups runs; its cost grows with the traffic it covers.
 */
export async function baselineSeries(tenantId: string, now = Date.now()): Promise<BaselineRow[]> {
  const { from, to, stepMs } = rangeWindow("30d", now);
  return db().$queryRawUnsafe<BaselineRow[]>(
    `SELECT (extract(epoch FROM b) * 1000)::float8 AS "t", count(*)::float8 AS "requests", (count(*) FILTER (WHERE "status" >= 400))::float8 AS "errors",
            sum("inputTokens")::float8 AS "inputTokens", sum("outputTokens")::float8 AS "outputTokens", sum("costUsd")::text AS "cost",
            percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "latencyMs") AS "latency",
            percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY "ttftMs") AS "ttft"
     FROM (SELECT date_bin(make_interval(secs => $4::float8 / 1000), "createdAt", '2000-01-01T00:00:00Z'::timestamptz) AS b, *
           FROM "RequestRecord" WHERE "tenantId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3) r
     GROUP BY GROUPING SETS ((b), ()) ORDER BY b NULLS LAST`,
    tenantId, new Date(from), new Date(to), stepMs,
  );
}

/** Every chart of the monitoring overview over 30 days, one call each and all three as the page makes them (together). */
export function chartCases(tenantId: string): Case[] {
  const ctx = { tenantId };
  return [
    { name: "usageSeries 30d (rollups)", run: () => usageSeries(ctx, "30d") },
    { name: "usageBreakdown endpoint 30d", run: () => usageBreakdown(ctx, "30d", "endpoint") },
    { name: "usageBreakdown key 30d", run: () => usageBreakdown(ctx, "30d", "key") },
    { name: "the three together", run: () => Promise.all([usageSeries(ctx, "30d"), usageBreakdown(ctx, "30d", "endpoint"), usageBreakdown(ctx, "30d", "key")]) },
  ];
}

export const baselineCase = (tenantId: string): Case => ({ name: "baseline: series from RequestRecord", run: () => baselineSeries(tenantId) });

/**
 * `warmups` untimed rounds, then `runs` timed ones; each round runs every case once, starting one
 * case further each round, so that no case always follows the same neighbour. When the first timed
 * round says the runs would take longer than `budgetMs`, fewer run (at least 5), and `log` says so.
 */
export async function timeRounds(cases: Case[], opts: { runs: number; warmups: number; budgetMs: number; log: (line: string) => void }): Promise<Timing[]> {
  const samples = cases.map(() => [] as number[]);
  let runs = opts.runs;
  for (let round = 0; round < opts.warmups + runs; round++) {
    const r0 = performance.now();
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const t0 = performance.now();
      await cases[i].run();
      if (round >= opts.warmups) samples[i].push(performance.now() - t0);
    }
    const roundMs = performance.now() - r0;
    if (round === opts.warmups && roundMs * runs > opts.budgetMs) {
      runs = Math.min(runs, Math.max(5, Math.floor(opts.budgetMs / roundMs)));
      opts.log(`a round takes ${(roundMs / 1000).toFixed(1)} s: ${runs} timed rounds instead of ${opts.runs}, to stay near the charts budget`);
    }
  }
  return cases.map((c, i) => ({ name: c.name, samples: samples[i], p50: percentile(samples[i], 50), p95: percentile(samples[i], 95), max: Math.max(...samples[i]) }));
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Whether the rollups' series says what the records say over the same 30 days: requests, errors,
 * tokens and cost in every step exactly; percentiles within the histograms' bound (about 5%),
 * reported as the largest gap to percentile_cont in the totals and in any step of 1,000 requests or
 * more (in a thin step the two definitions part: nearest rank against interpolation between the
 * two slowest requests, say a 30 s timeout and a 3 s answer).
 */
export async function compareSeries(tenantId: string): Promise<{ ok: boolean; lines: string[] }> {
  const now = Date.now();
  const [series, rows] = await Promise.all([usageSeries({ tenantId }, "30d", {}, now), baselineSeries(tenantId, now)]);
  const byT = new Map(rows.filter((r) => r.t !== null).map((r) => [r.t!, r]));
  const totals = rows.find((r) => r.t === null);
  let countsOff = 0;
  const keys = ["p50", "p95", "p99", "ttftP50", "ttftP95"] as const;
  const gaps = { totals: [0, 0, 0, 0, 0], steps: [0, 0, 0, 0, 0] };
  const gap = (a: number | null, b: number | null | undefined) => (a === null || b == null || b === 0 ? 0 : Math.abs(a - b) / b);
  const compare = (p: Omit<UsagePoint, "t">, r: BaselineRow | undefined, into: number[] | null) => {
    if ((r?.requests ?? 0) !== p.requests || (r?.errors ?? 0) !== p.errors || (r?.inputTokens ?? 0) !== p.inputTokens || (r?.outputTokens ?? 0) !== p.outputTokens) countsOff += 1;
    if (!r?.latency || !into) return;
    const want = [r.latency[0], r.latency[1], r.latency[2], r.ttft?.[0], r.ttft?.[1]];
    keys.forEach((k, i) => (into[i] = Math.max(into[i], gap(p[k], want[i]))));
  };
  for (const p of series.points) compare(p, byT.get(p.t), p.requests >= 1000 ? gaps.steps : null);
  compare(series.totals, totals, gaps.totals);
  const costOk = totals ? series.totals.cost === totals.cost : Number(series.totals.cost) === 0;
  const show = (g: number[]) => keys.map((k, i) => `${k} ${(g[i] * 100).toFixed(1)}%`).join(", ");
  // A step's p99 rests on its ten or so slowest requests; only the totals' gaps say the histograms are off.
  const worst = Math.max(...gaps.totals);
  return {
    // The sums must be equal; percentiles are approximations by design, and reported.
    ok: countsOff === 0 && costOk,
    lines: [
      `series vs records, 30 days (${series.points.length} steps + totals): requests, errors and tokens ${countsOff === 0 ? "equal in every step" : `DIFFER in ${countsOff} step(s)`}; ` +
        `cost ${costOk ? `equal to the last digit ($${series.totals.cost})` : `DIFFERS: rollups $${series.totals.cost}, records $${totals?.cost}`}; ` +
        `${series.totals.requests.toLocaleString("en-US")} requests${series.complete === false ? " (the series says it is incomplete)" : ""}`,
      `  percentiles vs percentile_cont, largest gap: totals ${show(gaps.totals)}; steps of ≥ 1,000 requests ${show(gaps.steps)}${worst > 0.1 ? " (over 10% in the totals: look at the histograms)" : ""}`,
    ],
  };
}

type Sums = { n: string; errors: string; input: string; output: string; cost: string };
const same = (a: Sums | undefined, b: Sums | undefined) =>
  !!a && !!b && a.n === b.n && a.errors === b.errors && a.input === b.input && a.output === b.output && Number(a.cost) === Number(b.cost);

/**
 * Whether the rollups at HOUR and DAY grain hold exactly the tenant's records, in each grouping the
 * table keeps (the tenant, each endpoint, each endpoint's version, each key, and each console user
 * where the table has that column); one pass over the records, one over the rollups. Minute buckets
 * cover only the last 48 hours and are left out.
 */
export async function compareRollups(pool: pg.Pool, tenantId: string): Promise<{ ok: boolean; line: string }> {
  const { rows: columns } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'UsageRollup' AND column_name = 'userId'`,
  );
  const withUser = columns.length > 0;
  // GROUPING() has a bit per argument, set where the set aggregates over it: () is 15, (endpointId) 7, and so on.
  const sets: [name: string, sql: string, bits: number, key: (r: Record<string, string | null>) => (string | null)[]][] = [
    ["tenant", "()", 15, () => []],
    ["endpoint", `("endpointId")`, 7, (r) => [r.endpointId]],
    ["version", `("endpointId", "modelVersionId")`, 3, (r) => [r.endpointId, r.modelVersionId]],
    ["key", `("apiKeyId")`, 13, (r) => [r.apiKeyId]],
    ...(withUser ? [["user", `("userId")`, 14, (r: Record<string, string | null>) => [r.userId]] as (typeof sets)[number]] : []),
  ];
  const sums = `count(*)::text AS n, (count(*) FILTER (WHERE "status" >= 400))::text AS errors, sum("inputTokens")::text AS input, sum("outputTokens")::text AS output, sum("costUsd")::text AS cost`;
  const { rows: recordRows } = await pool.query<Sums & Record<string, string | null> & { g: number }>(
    `SELECT "endpointId", "modelVersionId", "apiKeyId", "userId", GROUPING("endpointId", "modelVersionId", "apiKeyId", "userId") AS g, ${sums}
     FROM "RequestRecord" WHERE "tenantId" = $1 GROUP BY GROUPING SETS (${sets.map((s) => s[1]).join(", ")})`, [tenantId]);
  const want = new Map<string, Sums>();
  for (const r of recordRows) {
    const set = sets.find((s) => s[2] === r.g)!;
    const key = set[3](r);
    // A record without the subject (no key: the playground) is in the tenant's sums only, as the rollups count it.
    if (key.some((k) => k === null)) continue;
    want.set(`${set[0]}|${key.join("|")}`, r);
  }
  const { rows: rollupRows } = await pool.query<Sums & Record<string, string> & { grain: string }>(
    `SELECT "grain"::text AS grain, "endpointId", "versionId", "apiKeyId", ${withUser ? `"userId"` : `'' AS "userId"`},
            sum("requests")::text AS n, sum("errors")::text AS errors, sum("inputTokens")::text AS input, sum("outputTokens")::text AS output, sum("costUsd")::text AS cost
     FROM "UsageRollup" WHERE "tenantId" = $1 AND "grain" IN ('HOUR', 'DAY') GROUP BY 1, 2, 3, 4, 5`, [tenantId]);
  let mismatches = 0;
  const examples: string[] = [];
  for (const grain of ["HOUR", "DAY"]) {
    const have = new Map<string, Sums>();
    for (const r of rollupRows.filter((x) => x.grain === grain)) {
      const e = r.endpointId, v = r.versionId, k = r.apiKeyId, u = r.userId;
      const key = !e && !v && !k && !u ? "tenant|" : e && !v && !k && !u ? `endpoint|${e}` : e && v && !k && !u ? `version|${e}|${v}` : !e && !v && k && !u ? `key|${k}` : !e && !v && !k && u ? `user|${u}` : `other|${e}|${v}|${k}|${u}`;
      have.set(key, r);
    }
    for (const key of new Set([...want.keys(), ...have.keys()])) {
      if (same(want.get(key), have.get(key))) continue;
      mismatches += 1;
      const show = (x: Sums | undefined) => (x ? `${x.n} requests, ${x.errors} errors, $${x.cost}` : "nothing");
      if (examples.length < 3) examples.push(`${grain} ${key}: rollups ${show(have.get(key))}, records ${show(want.get(key))}`);
    }
  }
  const names = sets.map((x) => x[0]).join(", ");
  return {
    ok: mismatches === 0,
    line: mismatches === 0
      ? `rollups vs records: HOUR and DAY sums (requests, errors, tokens, cost) equal for all ${want.size} subjects (${names})`
      : `rollups vs records: ${mismatches} MISMATCH(ES) over ${want.size} subjects (${names}); e.g. ${examples.join("; ")}`,
  };
}
