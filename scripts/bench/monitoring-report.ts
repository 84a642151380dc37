// What `npm run bench:monitoring` prints: each database's figures as they come, and a summary.
import type { CatchUp } from "./monitoring-catch-up";
import type { Timing } from "./monitoring-charts";
import type { Lag } from "./monitoring-lag";

/** The chart target on the server (the issue's): p95 ≤ 300 ms for every chart of the overview over 30 days. */
export const TARGET_P95_MS = 300;

export type Outcome = {
  db: "server" | "embedded"; records: number; notes: string[];
  seed?: { recordsPerS: number; sealedMs: number; totalMs: number };
  catchUp?: CatchUp; sizes?: string;
  checks?: string[]; checksOk?: boolean; afterLoad?: string;
  /** The data layer and the baseline, called in this process; the pages, through Keel. */
  direct?: Timing[]; pages?: Timing[];
  lag?: Lag;
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (v: number) => (Number.isNaN(v) ? "—" : v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : int(v));
const secs = (v: number) => `${(v / 1000).toFixed(1)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×`;
const isBaseline = (t: Timing) => t.name.startsWith("baseline");

function table(header: string[], rows: string[][], rightFrom: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= rightFrom && i < rightFrom + 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Records per second of the catch-up: Keel's defaults, and the windows when the bench had to finish that way. */
export function catchUpRates(c: CatchUp): { defaults: number; windowed: number | null } {
  return { defaults: c.records / (c.ms / 1000), windowed: c.windowed ? c.windowed.records / (c.windowed.ms / 1000) : null };
}

/** The catch-up's figures, as soon as it is done. */
export function printCatchUp(c: CatchUp): void {
  const r = catchUpRates(c);
  if (!c.windowed) {
    console.log(`Catch-up with Keel's defaults: ${int(c.records)} records in ${secs(c.ms)}, ${int(r.defaults)} records/s (${int(c.batches)} batches, slowest ${secs(c.slowestBatchMs)})`);
    return;
  }
  console.log(
    `Catch-up with Keel's defaults: only ${int(c.records)} records in ${secs(c.ms)} (${int(r.defaults)} records/s, ${int(c.batches)} batches, slowest ${secs(c.slowestBatchMs)}); ` +
      `the rest would have taken about ${(c.windowed.projectedMs / 60_000).toFixed(0)} min at that rate, each batch's query reading every record after the cursor.`,
  );
  console.log(`  The rest, in windows of an hour of history (same rollupTenant, margin held back): ${int(c.windowed.records)} records in ${secs(c.windowed.ms)}, ${int(r.windowed!)} records/s`);
}

const chartTarget = (t: Timing) => !isBaseline(t) && !/^page \/t\/[^/]+$/.test(t.name);

function printTimings(o: Outcome) {
  const all = [...(o.direct ?? []), ...(o.pages ?? [])];
  if (all.length === 0) return;
  const server = o.db === "server";
  const n = all[0].samples.length;
  console.log(
    `\nCharts over 30 days on the ${server ? "server" : "embedded database"}: ${n} timed rounds, interleaved; ms. ` +
      (server ? "Data layer and baseline called from this process while Keel ran; pages through Keel." : "Data layer and baseline before Keel started (it holds the one connection); pages through Keel."),
  );
  const rows = all.map((t) => {
    const target = chartTarget(t) ? `p95 ≤ ${TARGET_P95_MS}${server ? "" : " (server)"}` : "";
    const verdict = !chartTarget(t) ? "" : server ? (t.p95 <= TARGET_P95_MS ? "PASS" : "MISS") : t.p95 <= TARGET_P95_MS ? "(under)" : "(over)";
    return [t.name, ms(t.p50), ms(t.p95), ms(t.max), target, verdict];
  });
  console.log(table(["what", "p50", "p95", "max", "target", "verdict"], rows, 1));
  const base = all.find(isBaseline);
  const series = all.find((t) => t.name.startsWith("usageSeries"));
  const three = all.find((t) => t.name === "the three together");
  for (const [label, t] of [["usageSeries", series], ["all three charts", three]] as const) {
    if (base && t) console.log(`Baseline from the records / ${label} from the rollups: ${ratio(base.p50, t.p50)} at p50, ${ratio(base.p95, t.p95)} at p95`);
  }
}

function printLag(l: Lag) {
  console.log(`\nRollup lag under gateway load (${l.samples} samples, every 250 ms, inside Keel):`);
  console.log(`  age of the oldest record not yet counted (Keel's margin of 1 s included): p50 ${ms(l.lag.p50)} ms, p95 ${ms(l.lag.p95)} ms, max ${ms(l.lag.max)} ms`);
  console.log(`  records waiting to be counted: p50 ${int(l.pending.p50)}, p95 ${int(l.pending.p95)}, max ${int(l.pending.max)}`);
  console.log(`  gateway meanwhile: ${int(l.rps)} req/s answered 2xx (${int(l.ok)} in the window)${l.errors ? `, ${int(l.errors)} errors: ${l.errorKinds.slice(0, 3).join("; ")}` : ", no errors"}`);
  console.log(`  after the load stopped, every record was counted ${l.drainMs === null ? "NOT within 60 s" : `within ${ms(l.drainMs)} ms`}`);
  if (l.probeErrors.length) console.log(`  the probe's queries failed: ${l.probeErrors.slice(0, 3).join("; ")}`);
}

/** One database's section: the catch-up and charts after they are timed, the lag and checks at the end. */
export function printDatabase(o: Outcome, part: "charts" | "lag"): void {
  if (part === "charts") {
    printTimings(o);
    return;
  }
  if (o.lag) printLag(o.lag);
  if (o.afterLoad) console.log(o.afterLoad);
}

export function printSummary(outcomes: Outcome[]): void {
  console.log("\nSummary:");
  const p95 = (ts: Timing[] | undefined, pick: (t: Timing) => boolean) => {
    const t = ts?.find(pick);
    return t ? ms(t.p95) : "—";
  };
  const rows = outcomes.map((o) => {
    const r = o.catchUp ? catchUpRates(o.catchUp) : null;
    const all = [...(o.direct ?? []), ...(o.pages ?? [])];
    const base = all.find(isBaseline);
    const series = all.find((t) => t.name.startsWith("usageSeries"));
    const charts = all.filter(chartTarget);
    const verdict = o.db === "server" && charts.length ? (charts.every((t) => t.p95 <= TARGET_P95_MS) ? "PASS" : "MISS") : charts.length ? "info" : "—";
    return [
      o.db, int(o.records), o.seed ? int(o.seed.recordsPerS) : "—",
      r ? `${int(r.defaults)}${r.windowed === null ? "" : ` (rest ${int(r.windowed)} windowed)`}` : "—",
      p95(o.direct, (t) => t.name === "the three together"), p95(o.pages, (t) => t.name.includes("/monitoring")), base ? ms(base.p95) : "—",
      base && series ? ratio(base.p50, series.p50) : "—", verdict,
      o.lag ? `${ms(o.lag.lag.p50)} / ${ms(o.lag.lag.p95)} / ${ms(o.lag.lag.max)}` : "—", o.lag ? int(o.lag.rps) : "—",
      o.checksOk === undefined ? "—" : o.checksOk ? "equal" : "MISMATCH",
    ];
  });
  console.log(
    table(
      ["db", "records", "seed rec/s", "catch-up rec/s", "3 charts p95", "page p95", "baseline p95", "base/series p50", "p95≤300", "lag p50/p95/max ms", "gw req/s", "rollups=records"],
      rows, 99,
    ),
  );
  console.log("ms throughout; p95 over the timed rounds. Lag: age of the oldest record the rollups had not counted, sampled every 250 ms under gateway load.");
  for (const o of outcomes) for (const n of o.notes) console.log(`Note (${o.db}): ${n}`);
}
