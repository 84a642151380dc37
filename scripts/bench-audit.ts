// `npm run bench:audit`: how the audit explorer, verify and export hold up on a big trail.
//
// For each database (the PostgreSQL server first, then the embedded one), in a fresh database:
// seeds a busy tenant with a month of history (1,000,000 request records written by the gateway's
// record writer and sealed by the real sealer, 100,000 chained and signed change events, ~20 keys,
// ~10 members, 8 endpoints with 2-4 versions) and a small second tenant, then times the explorer's
// typical views through its own data layer (p50/p95 over interleaved rounds, page 1,000 against
// page 1), prints EXPLAIN (ANALYZE, BUFFERS) of any view over its target, and times verify of the
// whole trail. Targets on the server: p95 ≤ 150 ms for every view, verify ≥ 50,000 records/s,
// export memory flat. Exit code 0 whatever the numbers; 1 if something could not run.
//
//   npm run bench:audit -- [--db server,embedded] [--records 1000000] [--events 100000]
//                          [--runs 20] [--warmups 2] [--server-url postgresql://…] [--keep] [--explain]
import crypto from "node:crypto";
import fs from "node:fs";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { bootDatabase } from "../lib/db/boot";
import { seedTrail } from "./bench/audit-seed";
import { machineBusy } from "./bench/cpu";
import { embeddedDatabase, freshExternalDatabase, type KeelDatabase } from "./bench/keel-db";
import { runBench, tempDir } from "./bench/processes";

// The explorer's data layer is marked `server-only`, a package that throws outside Next's server
// bundle (and is not installed at the top level): map it to an empty module before loading it.
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(s, c, next) { return s === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(s, c); }`,
  )}`,
);
const measure = await import("./bench/audit-measure");

const DATABASES = ["server", "embedded"] as const;
type Db = (typeof DATABASES)[number];
const TARGET_P95_MS = 150;
const TARGET_VERIFY_RECORDS_PER_S = 50_000;
const PAGE_THOUSAND = 1_000;

type Options = { dbs: Db[]; records: number; events: number; runs: number; warmups: number; serverUrl: string; keep: boolean; explainAll: boolean };

const USAGE = `Usage: npm run bench:audit -- [options]
  --db <list>          any of server,embedded, run in that order (server,embedded)
  --records <n>        request records of the busy tenant (1000000); the second tenant gets 1%
  --events <n>         change events of the busy tenant (100000)
  --runs <n>           timed rounds per view (20)
  --warmups <n>        untimed rounds first (2)
  --server-url <url>   the PostgreSQL server to create the fresh database on (BENCH_DATABASE_URL,
                       else postgresql://postgres@127.0.0.1:5432/postgres)
  --keep               keep the databases (server: not dropped; embedded: the KEEL_HOME folder stays)
  --explain            print EXPLAIN (ANALYZE, BUFFERS) of every view, not only of those over target`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    dbs: [...DATABASES], records: 1_000_000, events: 100_000, runs: 20, warmups: 2,
    serverUrl: process.env.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres", keep: false, explainAll: false,
  };
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case "--db": {
        const items = (value() ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        if (items.length === 0 || items.some((s) => !DATABASES.includes(s as Db))) throw new Error("--db takes a list of server,embedded");
        o.dbs = DATABASES.filter((d) => items.includes(d));
        break;
      }
      case "--records": o.records = num(flag, value(), 1_000); break;
      case "--events": o.events = num(flag, value(), 100); break;
      case "--runs": o.runs = num(flag, value(), 1); break;
      case "--warmups": o.warmups = num(flag, value(), 0); break;
      case "--server-url": o.serverUrl = value() ?? ""; break;
      case "--keep": o.keep = true; break;
      case "--explain": o.explainAll = true; break;
      case "--help": case "-h": console.log(USAGE); process.exit(0);
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A database on the server that outlives the bench (--keep): created here, never dropped. */
async function keptExternalDatabase(serverUrl: string): Promise<KeelDatabase> {
  const name = `keel_bench_audit_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { kind: "external", url: url.toString(), redacted: url.toString().replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@") };
}

/** Other work on the machine skews every figure: say how busy it was just before. */
async function busyNote(what: string) {
  const busy = await machineBusy(1000);
  console.log(`[bench] the machine was ${busy.toFixed(0)}% busy just before ${what}${busy > 15 ? ": something else is running, and the numbers will show it" : ""}`);
}

type Outcome = { db: Db; misses: string[]; verify: string; exported: string };

async function benchDatabase(db: Db, opts: Options): Promise<Outcome> {
  const server = db === "server";
  const target = server
    ? await (opts.keep ? keptExternalDatabase(opts.serverUrl) : freshExternalDatabase(opts.serverUrl))
    : embeddedDatabase(opts.keep ? fs.mkdtempSync(path.join(os.tmpdir(), "keel-bench-audit-")) : tempDir("keel-bench-audit-", os.tmpdir()));
  const where = target.kind === "external" ? target.redacted : `embedded PGlite in ${target.dataDir}`;
  console.log(`\n=== ${server ? "PostgreSQL server" : "embedded database"}: ${where}${opts.keep ? " (kept)" : ""} ===`);
  const booted = await bootDatabase(target.kind === "external" ? { databaseUrl: target.url, dataDir: "" } : { dataDir: target.dataDir });
  const { prisma, pool } = booted.database;
  try {
    const [{ version }] = (await pool.query<{ version: string }>("SELECT split_part(version(), ' on ', 1) AS version")).rows;
    console.log(`[bench] ${version}; seeding ${int(opts.records)} request records and ${int(opts.events)} change events (busy tenant) + 1% of each (second tenant)…`);
    const t0 = performance.now();
    const seed = await seedTrail(prisma, pool, { records: opts.records, events: opts.events, log: (l) => console.log(`[bench]   ${l} (${secs(performance.now() - t0)})`) });
    const seedMs = performance.now() - t0;
    for (const [step, ms] of seed.timings) console.log(`[bench]   ${step}: ${secs(ms)}`);
    console.log(`[bench] seeded in ${secs(seedMs)} (${int(opts.records / (seedMs / 1000))} records/s overall); process RSS ${int(process.memoryUsage().rss / 2 ** 20)} MiB`);
    // As autovacuum would have left a month-old table: statistics and the visibility map current.
    const tv = performance.now();
    for (const t of ["AuditEvent", "AuditHead", "RequestRecord", "RequestSeal"]) await pool.query(`VACUUM (ANALYZE) "${t}"`);
    console.log(`[bench] VACUUM (ANALYZE) of the trail's tables: ${secs(performance.now() - tv)}`);

    // Page 1,000 needs 50,000 rows; a smaller trial run times its last full page instead.
    const far = Math.max(2, Math.min(PAGE_THOUSAND, Math.floor((opts.records + opts.events) / 50)));
    const walk = await measure.cursorOfPage(seed, far);
    console.log(`[bench] walked ${int(far - 1)} pages of 50 by keyset to reach page ${int(far)} (untimed: ${secs(walk.ms)}, ${(walk.ms / (far - 1)).toFixed(1)} ms a page)`);
    const cases = measure.explorerCases(seed, { page: far, cursor: walk.cursor });
    await busyNote("timing the views");
    const timings = await measure.timeCases(cases, { runs: opts.runs, warmups: opts.warmups });
    const over = (t: { p95: number }) => t.p95 > TARGET_P95_MS;
    console.log(`\nExplorer views on the ${server ? "server" : "embedded database"}: ${opts.runs} timed rounds after ${opts.warmups} warm-up(s), interleaved; 50 rows a page; ms through exploreTrail / versionCallers`);
    console.log(
      table(
        ["view", "what it holds", "rows", "p50 ms", "p95 ms", "target", "verdict"],
        timings.map((t) => [
          t.name, t.detail, int(t.rows), t.p50.toFixed(1), t.p95.toFixed(1), `p95 ≤ ${TARGET_P95_MS}${server ? "" : " (server)"}`,
          server ? (over(t) ? "MISS" : "PASS") : over(t) ? "(over)" : "(under)",
        ]),
      ),
    );
    const leaks = timings.filter((t) => t.tenants.some((id) => id !== seed.main.id));
    if (leaks.length) console.log(`SCOPING: rows of another tenant in ${leaks.map((t) => t.name).join(", ")}`);
    else if (timings.some((t) => t.tenants.length)) console.log(`Scoping: every row of every view belonged to the busy tenant (the second tenant's ${int(Math.max(100, opts.records / 100))} records interleave in time).`);
    const p1 = timings.find((t) => t.name.endsWith("page 1"))!;
    const p1000 = timings.find((t) => t.name.endsWith(`page ${int(far)}`))!;
    console.log(`Page ${int(far)} vs page 1: p50 ${p1000.p50.toFixed(1)} vs ${p1.p50.toFixed(1)} ms, p95 ${p1000.p95.toFixed(1)} vs ${p1.p95.toFixed(1)} ms`);

    for (const [i, c] of cases.entries()) {
      if (!over(timings[i]) && !opts.explainAll) continue;
      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of "${c.name}"${over(timings[i]) ? ` (p95 over ${TARGET_P95_MS} ms)` : ""}:`);
      for (const q of await measure.capturedQueries(pool, c)) {
        for (const line of await measure.explain(pool, q)) console.log(`  ${line}`);
        console.log("");
      }
    }

    console.log("");
    await busyNote("verifying");
    console.log(`[bench] verifying the busy tenant's whole trail (verifyTrails)…`);
    const v = await measure.timeVerify(prisma, seed.main.id);
    const rate = (n: number, ms: number | undefined) => (ms ? n / (ms / 1000) : NaN);
    const recordsMs = v.phaseMs.requests ?? v.ms;
    const eventsMs = v.phaseMs.audit ?? v.ms;
    const recordsPerS = rate(v.records, recordsMs);
    console.log(`verify: ${v.ok ? "intact" : "NOT INTACT"}: ${v.summary}; ${secs(v.ms)} in all`);
    const split = v.phaseMs.requests !== undefined ? "" : " (verify gave no progress: rates over the whole run)";
    console.log(`  change events: ${int(rate(v.events, eventsMs))} events/s (${secs(eventsMs)})${split}`);
    const verdict = recordsPerS >= TARGET_VERIFY_RECORDS_PER_S ? "PASS" : "MISS";
    console.log(`  request records: ${int(recordsPerS)} records/s (${secs(recordsMs)}); target ≥ ${int(TARGET_VERIFY_RECORDS_PER_S)} records/s${server ? "" : " (server)"} ${server ? verdict : `(${verdict === "PASS" ? "met" : "not met"})`}`);
    const exported = await measure.measureExport(seed.main.id);
    console.log(exported.line);
    return {
      db,
      misses: server ? timings.filter(over).map((t) => t.name) : [],
      verify: `${int(recordsPerS)} records/s${v.ok ? "" : ", NOT INTACT"}`,
      exported: exported.summary,
    };
  } finally {
    await booted.shutdown();
  }
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  // Keel signs heads and MACs records with this key; the bench's process plays Keel.
  process.env.KEEL_AUDIT_SIGNING_KEY = `bench:${crypto.randomBytes(32).toString("base64")}`;
  console.log(`[bench] bench:audit on ${os.cpus().length} CPU(s), Node ${process.version}; databases: ${opts.dbs.join(", ")}; ${int(opts.records)} records, ${int(opts.events)} events; ${opts.runs} runs after ${opts.warmups} warm-up(s)`);
  const outcomes: Outcome[] = [];
  for (const db of opts.dbs) outcomes.push(await benchDatabase(db, opts));
  console.log("\nSummary:");
  for (const o of outcomes) {
    const views = o.db === "server" ? (o.misses.length ? `MISS on ${o.misses.join(", ")}` : `every view PASS (p95 ≤ ${TARGET_P95_MS} ms)`) : "no target (information)";
    console.log(`  ${o.db}: explorer ${views}; verify ${o.verify}; export ${o.exported}`);
  }
  return 0;
}

runBench(main, "dropping the bench database and removing temp folders", { stack: true });
