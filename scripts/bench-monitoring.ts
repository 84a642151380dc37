// `npm run bench:monitoring`: how the usage rollups and the monitoring overview hold up on a big
// history, and how far the rollups trail live traffic.
//
// For each database (the PostgreSQL server first, then the embedded one), in a fresh database
// migrated by Keel: seeds a busy tenant with a month of gateway history (10,000,000 request records
// on the server, 1,000,000 embedded; 8 endpoints with 2-3 versions, 20 keys, failures, streams)
// and a small second tenant, sealed as Keel seals; times the rollups catching up on all of it with
// the code Keel's job runs; starts Keel itself on that database (as `npm start` does), signs in as
// the tenant's owner, and times every chart of the monitoring overview over 30 days through the
// data layer and the rendered page, in interleaved rounds with the baseline (the same series
// computed from the records, as a console without rollups would); then drives the gateway for 30 s
// and samples the rollups' lag every 250 ms. Target on the server: p95 ≤ 300 ms for every chart.
// Exit code 0 whatever the numbers; 1 if something could not run.
//
//   npm run bench:monitoring -- [--db server,embedded] [--records <n>] [--runs 20] [--warmups 2]
//                               [--lag-seconds 30] [--connections 32] [--catch-up-budget 15]
//                               [--server-url postgresql://…] [--keep]
import crypto from "node:crypto";
import fs from "node:fs";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { bootDatabase, type BootedDatabase } from "../lib/db/boot";
import { machineBusy } from "./bench/cpu";
import { embeddedDatabase, freshExternalDatabase, seedKeel, type KeelDatabase } from "./bench/keel-db";
import { catchUp } from "./bench/monitoring-catch-up";
import { signInToConsole } from "./bench/monitoring-console";
import { printCatchUp, printDatabase, printSummary, type Outcome } from "./bench/monitoring-report";
import { seedHistory, type SealMode } from "./bench/monitoring-seed";
import { forkServer, freePort, runBench, startKeel, tempDir } from "./bench/processes";

// The monitoring data layer is marked `server-only`, a package that throws outside Next's server
// bundle (and is not installed at the top level): map it to an empty module before loading it.
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(s, c, next) { return s === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(s, c); }`,
  )}`,
);
const charts = await import("./bench/monitoring-charts");
const { measureLag } = await import("./bench/monitoring-lag");

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATABASES = ["server", "embedded"] as const;
type Db = (typeof DATABASES)[number];
const DEFAULT_RECORDS: Record<Db, number> = { server: 10_000_000, embedded: 1_000_000 };
const MONITORING = "/monitoring?range=30d";

type Options = {
  dbs: Db[]; records: number | null; runs: number; warmups: number; lagSeconds: number; connections: number;
  catchUpBudgetMs: number; chartsBudgetMs: number; seal: SealMode; serverUrl: string; keep: boolean;
};

const USAGE = `Usage: npm run bench:monitoring -- [options]
  --db <list>              any of server,embedded, run in that order (server,embedded)
  --records <n>            request records of the busy tenant on each database (server 10000000,
                           embedded 1000000); the second tenant gets 1%
  --runs <n>               timed rounds of the charts (20)
  --warmups <n>            untimed rounds first (2)
  --lag-seconds <s>        how long the gateway is driven while the lag is sampled (30)
  --connections <n>        gateway connections then, half of them streaming (32)
  --catch-up-budget <min>  when Keel's defaults would take longer than this to catch up, the bench
                           says so and finishes the history in windows (15)
  --charts-budget <min>    fewer timed rounds (at least 5) when the runs would take longer than this,
                           as they do when a chart costs seconds (5)
  --seal placeholder|real  mark the seeded history sealed with one placeholder seal per tenant, or seal it
                           with Keel's sealer as it is inserted (slow: ~10k records/s) (placeholder)
  --server-url <url>       the PostgreSQL server to create the fresh database on (BENCH_DATABASE_URL,
                           else postgresql://postgres@127.0.0.1:5432/postgres)
  --keep                   keep the databases (server: not dropped; embedded: the KEEL_HOME folder stays)`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    dbs: [...DATABASES], records: null, runs: 20, warmups: 2, lagSeconds: 30, connections: 32, catchUpBudgetMs: 15 * 60_000,
    chartsBudgetMs: 5 * 60_000, seal: "placeholder",
    serverUrl: process.env.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres", keep: false,
  };
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}`);
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
      case "--records": o.records = Math.floor(num(flag, value(), 1_000)); break;
      case "--runs": o.runs = Math.floor(num(flag, value(), 1)); break;
      case "--warmups": o.warmups = Math.floor(num(flag, value(), 0)); break;
      case "--lag-seconds": o.lagSeconds = num(flag, value(), 1); break;
      case "--connections": o.connections = Math.floor(num(flag, value(), 2)); break;
      case "--catch-up-budget": o.catchUpBudgetMs = num(flag, value(), 0) * 60_000; break;
      case "--charts-budget": o.chartsBudgetMs = num(flag, value(), 0) * 60_000; break;
      case "--seal": {
        const v = value();
        if (v !== "placeholder" && v !== "real") throw new Error("--seal is placeholder or real");
        o.seal = v;
        break;
      }
      case "--server-url": o.serverUrl = value() ?? ""; break;
      case "--keep": o.keep = true; break;
      case "--help": case "-h": console.log(USAGE); process.exit(0);
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[bench] ${line}`);

/** A database on the server that outlives the bench (--keep): created here, never dropped. */
async function keptExternalDatabase(serverUrl: string): Promise<KeelDatabase> {
  const name = `keel_bench_monitoring_${crypto.randomBytes(4).toString("hex")}`;
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

const boot = (target: KeelDatabase) => bootDatabase(target.kind === "external" ? { databaseUrl: target.url, dataDir: "" } : { databaseUrl: "", dataDir: target.dataDir });

async function busyNote(what: string) {
  const busy = await machineBusy(1000);
  log(`the machine was ${busy.toFixed(0)}% busy just before ${what}${busy > 15 ? ": something else is running, and the numbers will show it" : ""}`);
}

/** Fills `outcome` as it goes, so that what was measured before a failure still shows in the summary. */
async function benchDatabase(outcome: Outcome, opts: Options, upstreamPort: number): Promise<void> {
  const { db, records } = outcome;
  const server = db === "server";
  const home = opts.keep ? fs.mkdtempSync(path.join(os.tmpdir(), "keel-bench-monitoring-")) : tempDir("keel-bench-monitoring-", os.tmpdir());
  const target = server ? await (opts.keep ? keptExternalDatabase(opts.serverUrl) : freshExternalDatabase(opts.serverUrl)) : embeddedDatabase(home);
  console.log(`\n=== ${server ? "PostgreSQL server" : "embedded database"}: ${target.kind === "external" ? target.redacted : `embedded PGlite in ${target.dataDir}`}${opts.keep ? " (kept)" : ""} ===`);
  const masterKey = `bench:${crypto.randomBytes(32).toString("base64")}`;
  const auditSigningKey = `bench:${crypto.randomBytes(32).toString("base64")}`;
  const seeded = await seedKeel(target, { upstreamPort, masterKey, auditSigningKey });
  let booted: BootedDatabase | null = await boot(target);
  try {
    const { prisma, pool } = booted.database;
    const [{ version }] = (await pool.query<{ version: string }>("SELECT split_part(version(), ' on ', 1) AS version")).rows;
    log(`${version}; seeding ${int(records)} request records over 30 days (tenant ${seeded.tenantSlug}) + 1% (tenant bench-other)…`);
    const t0 = performance.now();
    const history = await seedHistory(prisma, pool, { mainId: seeded.tenantId, records, inFlight: server ? 2 : 1, seal: opts.seal, log: (l) => log(`  ${l}`) });
    for (const [step, ms] of history.timings) log(`  ${step}: ${secs(ms)}`);
    outcome.seed = { recordsPerS: (records + history.other.records) / (history.insertMs / 1000), sealedMs: history.sealedMs, totalMs: performance.now() - t0 };
    log(`seeded in ${secs(outcome.seed.totalMs)}: ${int(outcome.seed.recordsPerS)} records/s inserted`);
    // As autovacuum would have left a table that grew over a month: its statistics current.
    await pool.query(`ANALYZE "RequestRecord"`);

    await busyNote("the catch-up");
    log(`rolling up the whole history with Keel's code and defaults (rollupTenant, batches of 2,000, tenant after tenant)…`);
    outcome.catchUp = await catchUp(pool, { total: records + history.other.records, budgetMs: opts.catchUpBudgetMs, probeMs: Math.min(60_000, opts.catchUpBudgetMs / 10), log: (l) => log(`  ${l}`) });
    await pool.query(`ANALYZE "UsageRollup"`);
    const [size] = (await pool.query<{ rows: string; mb: string; rr: string }>(
      `SELECT (SELECT count(*) FROM "UsageRollup")::text AS rows, (pg_total_relation_size('"UsageRollup"') / 1048576)::text AS mb,
              (pg_total_relation_size('"RequestRecord"') / 1048576)::text AS rr`)).rows;
    outcome.sizes = `UsageRollup ${int(Number(size.rows))} rows, ${size.mb} MiB; RequestRecord ${size.rr} MiB`;
    printCatchUp(outcome.catchUp);
    log(`sizes: ${outcome.sizes}`);
    const checks = [await charts.compareRollups(pool, seeded.tenantId), await charts.compareSeries(seeded.tenantId)];
    outcome.checks = checks.flatMap((c) => ("line" in c ? [c.line] : c.lines));
    outcome.checksOk = checks.every((c) => c.ok);
    for (const l of outcome.checks) log(l);

    const tenantCases = [...charts.chartCases(seeded.tenantId), charts.baselineCase(seeded.tenantId)];
    if (!server) {
      // Keel will hold the embedded database's one connection: the data layer is timed before it starts.
      await busyNote("timing the charts");
      outcome.direct = await charts.timeRounds(tenantCases, { runs: opts.runs, warmups: opts.warmups, budgetMs: opts.chartsBudgetMs, log });
      await booted.shutdown();
      booted = null;
    }

    const port = await freePort();
    const probeFile = path.join(home, "rollup-lag.jsonl");
    log(`starting Keel on 127.0.0.1:${port} as npm start does (it builds the console first when the sources changed)…`);
    const started = Date.now();
    const keel = await startKeel({
      root: ROOT, timeoutMs: 900_000,
      env: {
        ...process.env, PORT: String(port), HOST: "127.0.0.1", KEEL_HOME: home, KEEL_DATA_DIR: "", NODE_ENV: "production",
        KEEL_MASTER_KEY: masterKey, KEEL_AUDIT_SIGNING_KEY: auditSigningKey, KEEL_SEED: "false",
        KEEL_OUTBOUND_ALLOW: `127.0.0.1:${upstreamPort}`, DATABASE_URL: target.kind === "external" ? target.url : "",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(path.join(ROOT, "scripts/bench/monitoring-lag-probe.mjs")).href}`.trim(),
        KEEL_BENCH_LAG_FILE: probeFile, KEEL_BENCH_LAG_TENANT: seeded.tenantId,
      },
    });
    log(`Keel is ready (${secs(Date.now() - started)})`);
    try {
      const origin = `http://127.0.0.1:${port}`;
      const session = await signInToConsole(origin, seeded.owner.email, seeded.owner.password);
      const base = `/t/${seeded.tenantSlug}`;
      const hasMonitoring = fs.existsSync(path.join(ROOT, "app/(console)/t/[tenant]/monitoring/page.tsx"));
      if (!hasMonitoring) outcome.notes.push(`app/(console)/t/[tenant]/monitoring has no page yet: only ${base} was rendered`);
      const pages = [...(hasMonitoring ? [`${base}${MONITORING}`] : []), base].map((p) => ({ name: `page ${p}`, run: () => session.get(p) }));
      await busyNote("timing the pages");
      const timed = await charts.timeRounds(server ? [...tenantCases, ...pages] : pages, { runs: opts.runs, warmups: opts.warmups, budgetMs: opts.chartsBudgetMs, log });
      if (server) outcome.direct = timed.slice(0, tenantCases.length);
      outcome.pages = timed.slice(server ? tenantCases.length : 0);
      printDatabase(outcome, "charts");

      await busyNote("the gateway load");
      log(`driving the gateway for ${opts.lagSeconds} s at ${opts.connections} connections (half streaming) while the probe samples the rollup lag every 250 ms…`);
      outcome.lag = await measureLag({ origin, apiKey: seeded.apiKey, model: seeded.endpointName, connections: opts.connections, seconds: opts.lagSeconds, probeFile });
    } finally {
      const { graceful } = await keel.stop();
      if (!graceful) outcome.notes.push("Keel did not stop within 20 s of SIGTERM and was killed");
      const problems = keel.log().filter((l) => /error|failed|could not/i.test(l));
      if (problems.length) outcome.notes.push(`Keel logged ${problems.length} line(s) about errors, e.g.: ${problems.slice(0, 3).map((l) => l.slice(0, 200)).join(" | ")}`);
    }
    booted ??= await boot(target);
    const after = await charts.compareRollups(booted.database.pool, seeded.tenantId);
    outcome.afterLoad = after.line.replace(/^rollups vs records/, "after the load, rollups vs records (gateway records included)");
    outcome.checksOk &&= after.ok;
    printDatabase(outcome, "lag");
  } finally {
    await booted?.shutdown();
  }
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const sizes = opts.dbs.map((d) => `${d} ${int(opts.records ?? DEFAULT_RECORDS[d])}`).join(", ");
  log(`bench:monitoring on ${os.cpus().length} CPU(s), Node ${process.version}; records: ${sizes}; ${opts.runs} runs after ${opts.warmups} warm-up(s)`);
  const upstream = await forkServer("upstream", path.join(ROOT, "scripts/bench/upstream.ts"));
  const outcomes: Outcome[] = [];
  let failed = false;
  for (const db of opts.dbs) {
    const outcome: Outcome = { db, records: opts.records ?? DEFAULT_RECORDS[db], notes: [] };
    outcomes.push(outcome);
    try {
      await benchDatabase(outcome, opts, upstream.port);
    } catch (error) {
      outcome.notes.push(`could not run to the end: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      failed = true;
      console.error(`[bench] ${db}: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  printSummary(outcomes);
  return failed ? 1 : 0;
}

runBench(main, "stopping Keel, dropping the bench databases and removing temp folders", { stack: true });
