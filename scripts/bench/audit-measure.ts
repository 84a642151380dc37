// What `npm run bench:audit` times: the audit explorer's typical views through its own data layer
// (the queries the page runs, 50 rows a page), page 1,000 against page 1, and verify of the trail.
// Imported after the `server-only` marker is mapped to an empty module (see bench-audit.ts).
import type pg from "pg";
import { versionCallers } from "../../lib/audit/explorer/answers";
import { exploreTrail, type TrailPage } from "../../lib/audit/explorer/data";
import type { TrailFilters } from "../../lib/audit/explorer/filters";
import { verifyTrails } from "../../lib/audit/verify-trails";
import type { PrismaClient } from "../../lib/db/client";
import type { SeededTrail } from "./audit-seed";

const PAGE_SIZE = 50;
const DAY = 86_400_000;

export type Case = { name: string; detail: string; run: () => Promise<{ rows: number; tenants: string[] }> };
/** `tenants`: every tenant any of the case's answers had rows of (the busy one alone, or scoping leaks). */
export type Timing = { name: string; detail: string; rows: number; tenants: string[]; samples: number[]; p50: number; p95: number };

/** The tenants of a page's rows, where the data layer says (so a row of the other tenant shows up). */
const tenantsOf = (page: TrailPage) => [...new Set(page.rows.map((r) => (r as { tenantId?: string }).tenantId).filter((t): t is string => !!t))];

/** The busiest entry of a count map whose rank (0 = busiest) is `rank`, with its count. */
function ranked<K>(m: Map<K, number>, rank: number): [K, number] {
  const sorted = [...m].sort((a, b) => b[1] - a[1]);
  return sorted[Math.min(rank, sorted.length - 1)];
}

/**
 * The views an auditor opens, as the explorer's URL would ask for them, each on the busy tenant.
 * Values are picked from the middle of the spread (a key, a person, an endpoint that is neither the
 * busiest nor the quietest), and the counts say how many rows each view holds in all.
 */
export function explorerCases(seed: SeededTrail, far: { page: number; cursor: TrailPage["next"] }): Case[] {
  const { main, stats, now } = seed;
  const ctx = { tenantId: main.id };
  const page = (filters: TrailFilters, cursor: () => TrailPage["next"] = () => null) => async () => {
    const p = await exploreTrail(ctx, filters, { order: "desc", cursor: cursor(), back: false, size: PAGE_SIZE });
    return { rows: p.rows.length, tenants: tenantsOf(p) };
  };
  const [versionId, versionRows] = ranked(stats.byVersionLast7d, 0);
  const version = main.endpoints.flatMap((e) => e.versions.map((v) => ({ ...v, endpoint: e.name }))).find((v) => v.id === versionId)!;
  const [keyId, keyRows] = ranked(stats.byKey, 4);
  const [userId, userRows] = ranked(stats.byUser, 2);
  const [endpointId, endpointRows] = ranked(stats.byEndpoint, 2);
  const [hash, hashRows] = ranked(stats.byHash, 0);
  const errors = [...stats.byStatus].filter(([s]) => s >= 400).reduce((a, [, n]) => a + n, 0);
  const n = (x: number) => x.toLocaleString("en-US");
  const name = (id: string) => main.keys.find((k) => k.id === id)?.name ?? main.people.find((p) => p.id === id)?.email ?? main.endpoints.find((e) => e.id === id)?.name ?? id;
  return [
    { name: "no filter, page 1", detail: `${n(stats.records)} records + ${n(stats.events)} changes`, run: page({ kind: "all" }) },
    { name: `no filter, page ${n(far.page)}`, detail: `keyset cursor after ${n(far.page - 1)} pages`, run: page({ kind: "all" }, () => far.cursor) },
    { name: "last 24 hours", detail: "from = now - 24 h", run: page({ kind: "all", from: new Date(now - DAY) }) },
    { name: "one version", detail: `${version.endpoint} ${version.label}: ${n(stats.byVersion.get(versionId) ?? 0)} records`, run: page({ kind: "all", versionId }) },
    { name: "one API key", detail: `${name(keyId)}: ${n(keyRows)} records`, run: page({ kind: "all", actor: { type: "key", id: keyId } }) },
    { name: "one user", detail: `${name(userId)}: ${n(userRows)} records + changes`, run: page({ kind: "all", actor: { type: "user", id: userId } }) },
    { name: "one endpoint", detail: `${name(endpointId)}: ${n(endpointRows)} records + changes`, run: page({ kind: "all", endpointId }) },
    { name: "retired endpoint", detail: `${seed.retired.name}: ${n(stats.byEndpoint.get(seed.retired.id) ?? 0)} records + changes, none after day 8`, run: page({ kind: "all", endpointId: seed.retired.id }) },
    { name: "outcome error", detail: `status >= 400: ${n(errors)} records`, run: page({ kind: "all", outcome: { kind: "error" } }) },
    { name: "outcome upstream_timeout", detail: `error code: ${n(stats.byCode.get("upstream_timeout") ?? 0)} records, most in a 2-hour outage 10 days ago`, run: page({ kind: "all", outcome: { kind: "code", code: "upstream_timeout" } }) },
    { name: "outcome 429", detail: `${n(stats.byStatus.get(429) ?? 0)} records`, run: page({ kind: "all", outcome: { kind: "status", status: 429 } }) },
    { name: "request id", detail: "one record", run: page({ kind: "all", requestId: stats.middleRequestId }) },
    { name: "input hash", detail: `the most repeated input: ${n(hashRows)} records`, run: page({ kind: "all", inputHash: hash }) },
    { name: "changes, action member.*", detail: "kind=changes&action=member", run: page({ kind: "changes", action: "member" }) },
    {
      name: "versionCallers, 7 days",
      detail: `${version.endpoint} ${version.label}: ${n(versionRows)} records in the window`,
      run: async () => ({ rows: (await versionCallers(ctx, versionId, { from: new Date(now - 7 * DAY), to: new Date(now) })).length, tenants: [] }),
    },
  ];
}

/** Walks the unfiltered view (newest first) page by page, untimed, and returns where page `pageNumber` starts. */
export async function cursorOfPage(seed: SeededTrail, pageNumber: number): Promise<{ cursor: TrailPage["next"]; ms: number }> {
  const t0 = performance.now();
  let cursor: TrailPage["next"] = null;
  for (let p = 1; p < pageNumber; p++) {
    const page = await exploreTrail({ tenantId: seed.main.id }, { kind: "all" }, { order: "desc", cursor, back: false, size: PAGE_SIZE });
    if (!page.next) throw new Error(`the unfiltered view ended at page ${p}: seed more rows or ask for an earlier page`);
    cursor = page.next;
  }
  return { cursor, ms: performance.now() - t0 };
}

/**
 * Runs every case `warmups` times untimed, then `runs` timed rounds; each round runs every case
 * once, starting one case further each round, so no case always follows the same neighbour.
 */
export async function timeCases(cases: Case[], opts: { runs: number; warmups: number }): Promise<Timing[]> {
  const samples = cases.map(() => [] as number[]);
  const rows = cases.map(() => 0);
  const tenants = cases.map(() => new Set<string>());
  for (let round = 0; round < opts.warmups + opts.runs; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const t0 = performance.now();
      const result = await cases[i].run();
      const ms = performance.now() - t0;
      rows[i] = result.rows;
      for (const t of result.tenants) tenants[i].add(t);
      if (round >= opts.warmups) samples[i].push(ms);
    }
  }
  return cases.map((c, i) => ({ name: c.name, detail: c.detail, rows: rows[i], tenants: [...tenants[i]], samples: samples[i], p50: percentile(samples[i], 50), p95: percentile(samples[i], 95) }));
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

type Captured = { text: string; values: unknown[] };

/**
 * The SQL a case sends, caught on the pool (Prisma's adapter sends raw queries through
 * pool.query), with its parameters: the statements to EXPLAIN when the case misses its target.
 */
export async function capturedQueries(pool: pg.Pool, c: Case): Promise<Captured[]> {
  const original = pool.query;
  const caught: Captured[] = [];
  pool.query = ((config: unknown, values?: unknown[]) => {
    if (config && typeof config === "object" && "text" in config) {
      const q = config as { text: string; values?: unknown[] };
      caught.push({ text: q.text, values: q.values ?? values ?? [] });
    }
    return (original as (c: unknown, v?: unknown[]) => unknown).call(pool, config, values);
  }) as typeof pool.query;
  try {
    await c.run();
  } finally {
    pool.query = original;
  }
  return caught.filter((q) => /"(AuditEvent|RequestRecord)"/.test(q.text));
}

/** EXPLAIN (ANALYZE, BUFFERS) of one captured statement, its text and plan as lines. */
export async function explain(pool: pg.Pool, q: Captured): Promise<string[]> {
  const result = await pool.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, values: q.values });
  const sql = q.text.replace(/\s+/g, " ").trim();
  const params = q.values.map((v, i) => `$${i + 1}=${JSON.stringify(v)}`).join(" ");
  return [`SQL: ${sql}`, `params: ${params}`, ...result.rows.map((r) => r["QUERY PLAN"])];
}

export type VerifyResult = {
  ok: boolean;
  summary: string;
  ms: number;
  events: number;
  records: number;
  /** Milliseconds of each part (audit chain, request records), when verify reports its progress. */
  phaseMs: Partial<Record<"audit" | "requests" | "prompts", number>>;
};

/**
 * Verifies the busy tenant's whole trail once with verifyTrails, timing each of its parts through
 * its progress reports (from its first report to its last) when it gives them.
 */
export async function timeVerify(prisma: PrismaClient, tenantId: string): Promise<VerifyResult> {
  const began = new Map<string, number>();
  const ended = new Map<string, number>();
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const now = performance.now();
    if (!began.has(p.phase)) began.set(p.phase, now);
    ended.set(p.phase, now);
  };
  // A variable, not a literal: verifyTrails takes onProgress only once the helper adding it lands.
  const opts = { anchorDir: null, onProgress };
  const t0 = performance.now();
  const v = await verifyTrails(prisma, tenantId, opts);
  const ms = performance.now() - t0;
  const phaseMs: VerifyResult["phaseMs"] = {};
  for (const [phase, start] of began) phaseMs[phase as keyof VerifyResult["phaseMs"]] = ended.get(phase)! - start;
  const records = v.requests.sealed + v.requests.unsealed;
  const problems = [
    !v.audit.ok && `audit chain: ${v.audit.broken.reason}`,
    !v.requests.ok && `request records: ${v.requests.problem?.reason}`,
    !v.prompts.ok && "prompts: not intact",
  ].filter(Boolean);
  const summary = `${v.audit.checked.toLocaleString("en-US")} change events, ${records.toLocaleString("en-US")} request records in ${v.requests.seals} seals (${v.requests.unsealed} unsealed)`;
  return { ok: problems.length === 0, summary: problems.length ? `${summary}; PROBLEMS: ${problems.join("; ")}` : summary, ms, events: v.audit.checked, records, phaseMs };
}

/**
 * Export of every row of the trail, with the process's peak memory while it runs. The export is
 * not built yet (lib/audit/export/ is under way): once it is, stream the whole busy tenant through
 * it to a file here, sample process.memoryUsage().rss every 50 ms, and print rows/s and peak RSS
 * above the RSS before it started ("memory flat": the peak must not grow with the row count).
 */
/**
 * Export of the tenant's whole trail through the export route's own stream (JSONL), read to the
 * end and thrown away: rows/s, and the process's memory sampled every 50 ms against where it
 * started, so a growing heap shows (the export reads a page of 1,000 rows at a time).
 */
export async function measureExport(tenantId: string, format: "csv" | "jsonl" = "jsonl"): Promise<{ line: string; summary: string }> {
  const { streamExport } = await import("../../lib/audit/export/export");
  global.gc?.();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const t0 = performance.now();
  let bytes = 0;
  let rows = 0;
  try {
    const stream = streamExport({
      by: { tenantId, userId: "bench", userEmail: "bench@bench.test", caller: { userId: "bench", sessionVersion: 0, ip: null, userAgent: "bench:audit", requestId: "bench-export" } },
      filters: { kind: "all" }, filterParams: {}, format, order: "asc", until: new Date(),
    });
    if (!stream) return { line: "export: refused (another export is running)", summary: "refused" };
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) rows += 1;
    }
  } finally {
    clearInterval(sampler);
  }
  const s = (performance.now() - t0) / 1000;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const summary = `${Math.round(rows / s).toLocaleString("en-US")} rows/s, peak RSS +${mib(peakRss - start.rss)}`;
  const line = (
    `export (${format}, all rows): ${rows.toLocaleString("en-US")} rows, ${mib(bytes)} in ${s.toFixed(1)} s (${Math.round(rows / s).toLocaleString("en-US")} rows/s); ` +
    `memory: RSS ${mib(start.rss)} at the start, ${mib(peakRss)} at its peak (+${mib(peakRss - start.rss)}); heap in use ${mib(start.heapUsed)} → peak ${mib(peakHeap)}`
  );
  return { line, summary };
}
