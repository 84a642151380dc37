// `npm run bench:gateway`: how much Keel's gateway costs over a bare proxy.
//
// Starts a fast OpenAI-compatible upstream and a bare pass-through proxy (each in a child
// process), seeds a fresh Keel home (tenant and its owner, provider -> the upstream, endpoint
// `bench-chat`, an unlimited API key) and starts Keel's production build on it. Before measuring,
// it signs in to the console as that owner and renders every console page a few times, as a used
// install would have: Next's rendering leaves garbage in the process the gateway shares, and a
// Keel whose console was used is slower (DESIGN.md). Then it drives each target at a fixed
// concurrency, non-streaming and streaming, in interleaved rounds, and prints req/s and p50/p99
// latency (and time to first byte when streaming), the verdict against the targets, and how many
// request records Keel wrote. Exit code 0 whatever the numbers; 1 if something could not start.
//
// With --baseline-tree <dir>, a second Keel from another checkout (a git worktree with its own
// node_modules) is seeded by that checkout's own bench code on a fresh database of the same kind,
// started and its console rendered the same way, and measured as `keel-base` in the same rounds;
// the summary gives Keel's req/s and p50 against keel-base's (scripts/bench/baseline-tree.ts).
//
//   npm run bench:gateway -- [--duration 10] [--warmup 2] [--connections 32] [--rounds 2]
//                            [--report best|median] [--targets upstream,bare,keel] [--modes json,stream]
//                            [--external [postgresql://…]] [--unloaded] [--console-passes 5] [--console-during 0]
//                            [--start-timeout 900] [--baseline-tree <dir>] [--rollout <percent>]
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { checkBaselineTree, treeKeelDb } from "./bench/baseline-tree";
import { browseConsole } from "./bench/console";
import { POSTGRES_SERVER, UNSEEN, cpuMeter, machineBusy, machineCpuMeter, postgresOf, type MachineCpu } from "./bench/cpu";
import { prepareKeel, type BenchKeel } from "./bench/gateway-keel";
import { addBenchRollout, countRequestRecords, seedKeel } from "./bench/keel-db";
import { runLoad, type LoadResult, type LoadTarget } from "./bench/load";
import { forkServer, runBench } from "./bench/processes";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BENCH = path.join(ROOT, "scripts", "bench");

const TARGETS = ["upstream", "bare", "keel"] as const;
const MODES = ["json", "stream"] as const;
/** The Keel from --baseline-tree, a target only with that option. */
const BASE = "keel-base";
type TargetName = (typeof TARGETS)[number] | typeof BASE;
type Mode = (typeof MODES)[number];
const LABEL: Record<TargetName, string> = { upstream: "upstream direct", bare: "bare proxy", keel: "Keel", [BASE]: BASE };
const MODE_LABEL: Record<Mode, string> = { json: "non-streaming", stream: "streaming" };

const TARGET_P50_MS = 3;
/** The bench's own process in the machine's CPU breakdown: it generates the load. */
const GENERATOR = "generator";
/** Throughput against the bare proxy, streaming and not, that the gateway aims for, by database. */
const TARGET_THROUGHPUT = { external: 0.5, embedded: 0.4 } as const;

type Options = {
  durationMs: number;
  warmupMs: number;
  connections: number;
  rounds: number;
  report: "best" | "median";
  targets: TargetName[];
  modes: Mode[];
  externalUrl: string | null;
  startTimeoutMs: number;
  unloaded: boolean;
  consolePasses: number;
  consoleDuring: number;
  /** Another checkout of Keel to measure beside this one, resolved; null without --baseline-tree. */
  baselineTree: string | null;
  /** --rollout: the share of end users this checkout's Keel sends to a canary version; null runs none. */
  rolloutPercent: number | null;
};

const USAGE = `Usage: npm run bench:gateway -- [options]
  --duration <s>        measured seconds per variant and round (10)
  --warmup <s>          warm-up seconds before each measurement (2)
  --connections <n>     concurrent connections (32)
  --rounds <n>          interleaved rounds per variant (2)
  --report best|median  which round a row shows: the highest req/s, or the median one (best)
  --targets <list>      any of upstream,bare,keel (all)
  --modes <list>        any of json,stream (both)
  --external [url]      run Keel on a fresh database on a Postgres server (url, else
                        BENCH_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres);
                        setting BENCH_DATABASE_URL alone does the same. Default: embedded.
  --unloaded            also measure each target non-streaming at 1 connection: the latency a
                        request gets with no queue in front of it
  --console-passes <n>  before measuring, sign in as the bench tenant's owner and render every
                        console page n times, as a used install would have: a Keel whose console
                        was used is slower (5; 0 leaves the console unused)
  --console-during <n>  while Keel is measured, also render n console pages a second, as people
                        using the console while applications call the gateway (0)
  --start-timeout <s>   how long Keel may take to build and start (900)
  --baseline-tree <dir> also measure the Keel of another checkout (a git worktree with its own
                        node_modules), as the target keel-base in the same rounds: seeded by that
                        checkout's bench code on its own fresh database of the same kind, started
                        (building its console if needed) and its console rendered as Keel's; the
                        summary gives keel / keel-base req/s and p50 for the rows --report chose
  --rollout <percent>   this checkout's Keel serves the bench endpoint under a running canary rollout
                        that sends <percent> of end users to a second version (same upstream); every
                        target's requests then name one of 1,000 end users in \`user\`, in turn`;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    durationMs: 10_000,
    warmupMs: 2_000,
    connections: 32,
    rounds: 2,
    report: "best",
    targets: [...TARGETS],
    modes: [...MODES],
    externalUrl: process.env.BENCH_DATABASE_URL || null,
    startTimeoutMs: 900_000,
    unloaded: false,
    consolePasses: 5,
    consoleDuring: 0,
    baselineTree: null,
    rolloutPercent: null,
  };
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}`);
    return n;
  };
  const list = <T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T[] => {
    const items = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !allowed.includes(s as T));
    if (items.length === 0 || bad.length) throw new Error(`${flag} takes a list of ${allowed.join(",")}`);
    return allowed.filter((a) => items.includes(a));
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case "--duration": o.durationMs = num(flag, value(), 0.5) * 1000; break;
      case "--warmup": o.warmupMs = num(flag, value(), 0) * 1000; break;
      case "--connections": o.connections = Math.floor(num(flag, value(), 1)); break;
      case "--rounds": o.rounds = Math.floor(num(flag, value(), 1)); break;
      case "--report": {
        const r = value();
        if (r !== "best" && r !== "median") throw new Error("--report is best or median");
        o.report = r;
        break;
      }
      case "--targets": o.targets = list(flag, value(), TARGETS); break;
      case "--modes": o.modes = list(flag, value(), MODES); break;
      case "--external":
        o.externalUrl = argv[i + 1] && !argv[i + 1].startsWith("--") ? value() : (process.env.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres");
        break;
      case "--start-timeout": o.startTimeoutMs = num(flag, value(), 10) * 1000; break;
      case "--unloaded": o.unloaded = true; break;
      case "--console-passes": o.consolePasses = Math.floor(num(flag, value(), 0)); break;
      case "--console-during": o.consoleDuring = num(flag, value(), 0); break;
      case "--baseline-tree": o.baselineTree = checkBaselineTree(value()); break;
      case "--rollout": o.rolloutPercent = num(flag, value(), 0.01); break;
      case "-h":
      case "--help":
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (o.baselineTree) o.targets.push(BASE);
  return o;
}

// ---- output -------------------------------------------------------------------------------

const ms = (v: number | undefined) => (v === undefined ? "—" : v < 10 ? v.toFixed(2) : v.toFixed(1));
const int = (v: number) => Math.round(v).toLocaleString("en-US");
/** A difference in ms with its sign: "+0.30", "-1.2". */
const signedMs = (v: number) => `${v < 0 ? "-" : "+"}${ms(Math.abs(v))}`;

function table(header: string[], rows: string[][], rightAlignFrom: number): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c >= rightAlignFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** One measured run, with the CPU its server and the load generator used in the window (% of a core). */
type Run = LoadResult & { serverCpu: number | null; clientCpu: number | null; machine: MachineCpu | null; browsed?: { renders: number; failures: number } };

/**
 * The target process's CPU per request, in µs (all its threads: the embedded database's too; not a
 * Postgres server's). On a busy shared machine req/s moves with the neighbours, this much less.
 */
const cpuPerRequestUs = (r: Run): number | null => (r.serverCpu === null || r.rps <= 0 ? null : (r.serverCpu * 10_000) / r.rps);

/** The median, or the lower of the two middle values. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const cpu = (r: Run) => `${r.serverCpu === null ? "?" : Math.round(r.serverCpu)}/${r.clientCpu === null ? "?" : Math.round(r.clientCpu)}`;

function summary(r: Run): string {
  const lat = r.latency ? `p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms` : "no 2xx";
  const ttfb = r.ttfb ? `  ttfb p50 ${ms(r.ttfb.p50)} ms  p99 ${ms(r.ttfb.p99)} ms` : "";
  const browsed = r.browsed ? `  console pages ${r.browsed.renders}${r.browsed.failures ? ` (${r.browsed.failures} not 200)` : ""}` : "";
  return `${int(r.rps).padStart(6)} req/s  ${lat}${ttfb}  cpu ${cpu(r)}%${r.errors ? `  errors ${int(r.errors)}` : ""}${browsed}`;
}

// ---- the run ------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const withKeel = opts.targets.includes("keel");
  const keelNames = [withKeel ? "Keel" : "", opts.baselineTree ? `${BASE} (Keel from ${opts.baselineTree})` : ""].filter(Boolean).join(" and ");
  console.log(
    `[bench] ${os.cpus().length} cores, Node ${process.version}; ${opts.connections} connections, ` +
      `${opts.warmupMs / 1000} s warm-up + ${opts.durationMs / 1000} s per variant, ${opts.rounds} interleaved round(s)` +
      (keelNames ? `; ${keelNames} on ${opts.externalUrl ? "an external Postgres" : "the embedded database"}` : ""),
  );

  const upstream = await forkServer("upstream", path.join(BENCH, "upstream.ts"));
  const bare = await forkServer("bare proxy", path.join(BENCH, "bare-proxy.ts"), [String(upstream.port)]);
  console.log(`[bench] upstream on 127.0.0.1:${upstream.port}, bare proxy on 127.0.0.1:${bare.port}`);

  // Each Keel on a database of its own, seeded by its own checkout's code, one after the other:
  // a build of one must not run beside the other's start.
  const prepare = { upstreamPort: upstream.port, externalUrl: opts.externalUrl, startTimeoutMs: opts.startTimeoutMs, consolePasses: opts.consolePasses };
  const rollout = opts.rolloutPercent;
  const seedWithRollout: typeof seedKeel = async (database, o) => {
    const seeded = await seedKeel(database, o);
    if (rollout !== null) await addBenchRollout(database, seeded, rollout);
    return seeded;
  };
  const keel = withKeel ? await prepareKeel({ ...prepare, root: ROOT, keelDb: { seedKeel: seedWithRollout, countRequestRecords } }) : null;
  const base = opts.baselineTree ? await prepareKeel({ ...prepare, root: opts.baselineTree, label: BASE, keelDb: treeKeelDb(opts.baselineTree) }) : null;
  const keelOf = (t: TargetName): BenchKeel | null => (t === "keel" ? keel : t === BASE ? base : null);

  const bodies: Record<Mode, string> = {
    json: JSON.stringify({ model: "bench-chat", messages: [{ role: "user", content: "Say hello." }], max_tokens: 16 }),
    stream: JSON.stringify({ model: "bench-chat", messages: [{ role: "user", content: "Say hello." }], max_tokens: 16, stream: true, stream_options: { include_usage: true } }),
  };
  // Under --rollout, requests name end users in turn, so that the split has callers to split.
  const users = rollout === null ? null : Array.from({ length: 1_000 }, (_, i) => `bench-user-${i}`);
  const perUser = (mode: Mode) => users?.map((user) => JSON.stringify({ ...JSON.parse(bodies[mode]), user }));
  const targetFor = (t: TargetName, mode: Mode): LoadTarget => ({
    origin: `http://127.0.0.1:${t === "upstream" ? upstream.port : t === "bare" ? bare.port : keelOf(t)!.port}`,
    path: keelOf(t) ? "/api/v1/chat/completions" : "/v1/chat/completions",
    headers: { "content-type": "application/json", authorization: `Bearer ${(keelOf(t) ?? keel)?.seeded.apiKey ?? "keel_bench"}` },
    body: bodies[mode],
    bodies: perUser(mode),
    stream: mode === "stream",
  });

  // One request per variant first, so a broken target shows its answer before the numbers.
  // Each Keel's first request, sent before its console was rendered, counts too.
  const sent: Record<TargetName, number> = { upstream: 0, bare: 0, keel: keel ? 1 : 0, [BASE]: base ? 1 : 0 };
  for (const t of opts.targets) {
    for (const mode of opts.modes) {
      const target = targetFor(t, mode);
      sent[t]++;
      try {
        const res = await request(target.origin + target.path, { method: "POST", headers: target.headers, body: target.body });
        const text = await res.body.text();
        if (res.statusCode < 200 || res.statusCode >= 300) {
          const hint = keelOf(t) && res.statusCode === 404 ? " (is /api/v1 routed to the gateway yet?)" : "";
          console.log(`[bench] probe ${LABEL[t]} ${MODE_LABEL[mode]}: HTTP ${res.statusCode}${hint}: ${text.replace(/\s+/g, " ").slice(0, 160)}`);
        }
      } catch (error) {
        console.log(`[bench] probe ${LABEL[t]} ${MODE_LABEL[mode]} failed: ${(error as Error).message}`);
      }
    }
  }

  const busy = await machineBusy(1000);
  console.log(
    `[bench] the machine was ${busy.toFixed(0)}% busy just before the first round` +
      (busy > 15 ? ": something else is running, and the numbers will show it" : ""),
  );

  // Interleaved: each round runs every variant, alternating the target order between rounds.
  const serverPid: Record<TargetName, number | null> = { upstream: upstream.child.pid ?? null, bare: bare.child.pid ?? null, keel: keel?.child.pid ?? null, [BASE]: base?.child.pid ?? null };
  // Each Keel's database on a PostgreSQL server, by name, so its backends count for that Keel.
  const keelDatabases: Record<string, string> = {};
  for (const [t, k] of [["keel", keel], [BASE, base]] as const) if (k?.database.kind === "external") keelDatabases[t] = new URL(k.database.url).pathname.slice(1);
  const results = new Map<string, Run[]>();
  const key = (t: TargetName, mode: Mode) => `${t}/${mode}`;
  for (let round = 1; round <= opts.rounds; round++) {
    for (const mode of opts.modes) {
      const order = round % 2 === 1 ? opts.targets : [...opts.targets].reverse();
      for (const t of order) {
        const server = cpuMeter(serverPid[t] ?? -1);
        const client = cpuMeter(null);
        const machine = machineCpuMeter({ ...serverPid, [GENERATOR]: process.pid }, keelDatabases);
        // The machine's meter reads all of /proc: outside the other two meters' window at both ends.
        const onWindow = (phase: "start" | "end") => {
          if (phase === "start") for (const m of [machine, server, client]) m.start();
          else for (const m of [server, client, machine]) m.stop();
        };
        const measured = keelOf(t);
        const browsing = measured && opts.consoleDuring > 0 ? await browseConsole({ ...measured.visit, perSecond: opts.consoleDuring }) : null;
        const load = await runLoad(targetFor(t, mode), { connections: opts.connections, warmupMs: opts.warmupMs, durationMs: opts.durationMs, onWindow });
        const browsed = await browsing?.stop();
        const r: Run = { ...load, serverCpu: server.percent(), clientCpu: client.percent(), machine: machine.result(), browsed };
        sent[t] += r.sent;
        results.set(key(t, mode), [...(results.get(key(t, mode)) ?? []), r]);
        console.log(`[bench] round ${round}/${opts.rounds}  ${LABEL[t].padEnd(15)} ${MODE_LABEL[mode].padEnd(13)} ${summary(r)}`);
      }
    }
  }

  // One round per row, chosen by req/s; errors are summed over every round.
  const pick = (rs: Run[]): Run => {
    const sorted = [...rs].sort((a, b) => b.rps - a.rps);
    return opts.report === "best" ? sorted[0] : sorted[Math.floor(sorted.length / 2)];
  };
  const chosen = new Map<string, Run>();
  for (const [k, rs] of results) chosen.set(k, pick(rs));
  const errorsOf = (t: TargetName, mode: Mode) => results.get(key(t, mode))!.reduce((a, x) => a + x.errors, 0);
  const chosenRound = opts.report === "best" ? "best" : opts.rounds % 2 === 1 ? "median" : "lower-median";

  console.log("");
  console.log(
    `Results: ${opts.connections} connections, ${opts.durationMs / 1000} s per round; each row is the ` +
      `${chosenRound} of ${opts.rounds} round(s) by req/s ` +
      `(latencies from that round, over 2xx answers); errors summed over all rounds.`,
  );
  const rows: string[][] = [];
  for (const mode of opts.modes) {
    for (const t of opts.targets) {
      const r = chosen.get(key(t, mode))!;
      rows.push([
        LABEL[t],
        MODE_LABEL[mode],
        int(r.rps),
        ms(r.latency?.p50),
        ms(r.latency?.p99),
        mode === "stream" ? ms(r.ttfb?.p50) : "",
        mode === "stream" ? ms(r.ttfb?.p99) : "",
        int(errorsOf(t, mode)),
        cpu(r),
      ]);
    }
  }
  console.log(table(["target", "mode", "req/s", "p50 ms", "p99 ms", "TTFB p50", "TTFB p99", "errors", "CPU % srv/gen"], rows, 2));
  console.log("CPU %: the target's own process (upstream, bare proxy or Keel) / the load generator, in % of one core.");

  printMachineCpu(opts, results);

  const errorLines: string[] = [];
  for (const t of opts.targets) {
    for (const mode of opts.modes) {
      const kinds = new Map<string, { count: number; sample: string }>();
      for (const r of results.get(key(t, mode)) ?? []) {
        for (const [kind, e] of r.errorKinds) {
          const prev = kinds.get(kind);
          kinds.set(kind, { count: (prev?.count ?? 0) + e.count, sample: prev?.sample ?? e.sample });
        }
      }
      for (const [kind, e] of kinds) errorLines.push(`  ${LABEL[t]} ${MODE_LABEL[mode]}: ${int(e.count)} × ${kind}: ${e.sample}`);
    }
  }
  if (errorLines.length) {
    console.log("\nErrors (warm-up included):");
    for (const l of errorLines) console.log(l);
  }

  // The verdict: Keel against the bare proxy, non-streaming and streaming. The machine's speed drifts
  // by a third within a run (seen on these shared 2-core machines), so each round's Keel is compared
  // with the bare proxy measured just before or after it, and the verdict takes the median of those
  // paired figures rather than a ratio of two separately chosen rows.
  if (withKeel && opts.targets.includes("bare")) {
    console.log("");
    const throughputTarget = TARGET_THROUGHPUT[opts.externalUrl ? "external" : "embedded"];
    for (const mode of opts.modes) {
      const ks = results.get(key("keel", mode))!;
      const bs = results.get(key("bare", mode))!;
      const keelErrors = ks.reduce((a, x) => a + x.errors, 0);
      const caveat = keelErrors > 0 ? `  [${int(keelErrors)} Keel request(s) failed: see Errors]` : "";
      const pairs = ks.map((k, i) => ({ k, b: bs[i] })).filter(({ k, b }) => k.latency && b.latency && b.rps > 0);
      if (pairs.length === 0) {
        console.log(`Keel ${MODE_LABEL[mode]}: no verdict, no round where both Keel and the bare proxy answered with 2xx${caveat}`);
        continue;
      }
      const ratios = pairs.map(({ k, b }) => k.rps / b.rps);
      const overheads = pairs.map(({ k, b }) => k.latency!.p50 - b.latency!.p50);
      const ratio = median(ratios);
      const overhead = median(overheads);
      const perRound = `per round ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(", ")}`;
      const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
      if (mode === "json") {
        console.log(`Keel p50 overhead vs bare proxy: ${overhead.toFixed(2)} ms, median of rounds ${overheads.map((o) => o.toFixed(2)).join(", ")} (target ≤ ${TARGET_P50_MS} ms) ${verdict(overhead <= TARGET_P50_MS)}${caveat}`);
        console.log(`Keel throughput vs bare proxy: ${(ratio * 100).toFixed(0)}%, median of ${perRound} (target ≥ ${throughputTarget * 100}%) ${verdict(ratio >= throughputTarget)}${caveat}`);
        if (!opts.unloaded) {
          console.log(`  (at ${opts.connections} connections a saturated server's p50 is about ${opts.connections} / req/s; --unloaded adds the 1-connection overhead)`);
        }
      } else {
        const ttfbs = pairs.filter(({ k, b }) => k.ttfb && b.ttfb).map(({ k, b }) => k.ttfb!.p50 - b.ttfb!.p50);
        const ttfb = ttfbs.length ? `, TTFB p50 overhead ${median(ttfbs).toFixed(2)} ms` : "";
        console.log(`Keel streaming throughput vs bare proxy: ${(ratio * 100).toFixed(0)}%, median of ${perRound} (target ≥ ${throughputTarget * 100}%) ${verdict(ratio >= throughputTarget)}; p50 overhead ${overhead.toFixed(2)} ms${ttfb} (information)${caveat}`);
      }
    }
  }

  // Keel against the baseline's Keel, each row as the table shows it. Unlike the verdict's pairs,
  // the two rows may come from different rounds: --report chose each.
  if (keel && base) {
    console.log(`\nKeel against ${BASE} (Keel from ${opts.baselineTree}), the ${chosenRound} round of each by req/s:`);
    for (const mode of opts.modes) {
      const k = chosen.get(key("keel", mode))!;
      const b = chosen.get(key(BASE, mode))!;
      const failed = (["keel", BASE] as const).map((t) => ({ t, n: errorsOf(t, mode) })).filter(({ n }) => n > 0);
      const caveat = failed.length ? `  [${failed.map(({ t, n }) => `${int(n)} ${LABEL[t]} request(s)`).join(" and ")} failed: see Errors]` : "";
      const versus = k.latency && b.latency && b.rps > 0 ? `${(k.rps / b.rps).toFixed(2)}× req/s, ${signedMs(k.latency.p50 - b.latency.p50)} ms p50` : "no comparison, one of them answered no 2xx";
      console.log(`keel / ${BASE} ${MODE_LABEL[mode]}: ${versus}${caveat}`);
      // CPU per request, paired round by round (both Keels were measured in every round).
      const ks = results.get(key("keel", mode))!.map(cpuPerRequestUs);
      const bs = results.get(key(BASE, mode))!.map(cpuPerRequestUs);
      const rounds = ks.map((k, i) => ({ k, b: bs[i] })).filter((x): x is { k: number; b: number } => x.k !== null && x.b !== null);
      if (rounds.length) {
        const perRound = rounds.map(({ k, b }) => `${Math.round(k)}/${Math.round(b)}`).join(", ");
        console.log(`  CPU per request, keel / ${BASE}: ${median(rounds.map((r) => r.k / r.b)).toFixed(2)}× (median of rounds; µs per round ${perRound})`);
      }
    }
  }

  // At a fixed concurrency a saturated server's p50 is about connections / req/s; at one
  // connection nothing queues, and the difference is what each request costs.
  if (opts.unloaded) {
    console.log("\nUnloaded (1 connection, non-streaming):");
    const p50: Partial<Record<TargetName, number>> = {};
    for (const t of opts.targets) {
      const r = await runLoad(targetFor(t, "json"), { connections: 1, warmupMs: opts.warmupMs, durationMs: opts.durationMs });
      sent[t] += r.sent;
      if (r.latency) p50[t] = r.latency.p50;
      console.log(`  ${LABEL[t].padEnd(15)} ${int(r.rps).padStart(6)} req/s  p50 ${ms(r.latency?.p50)} ms  p99 ${ms(r.latency?.p99)} ms${r.errors ? `  errors ${int(r.errors)}` : ""}`);
    }
    if (p50.keel !== undefined && p50.bare !== undefined) {
      const overhead = p50.keel - p50.bare;
      console.log(`Keel p50 overhead vs bare proxy, unloaded: ${overhead.toFixed(2)} ms (target ≤ ${TARGET_P50_MS} ms) ${overhead <= TARGET_P50_MS ? "PASS" : "MISS"}`);
    }
    if (p50.keel !== undefined && p50[BASE] !== undefined) console.log(`keel / ${BASE} unloaded: ${signedMs(p50.keel - p50[BASE])} ms p50`);
  }

  if (keel) await finishKeel(keel, sent.keel);
  if (base) await finishKeel(base, sent[BASE]);
  return 0;
}

/**
 * Where the whole machine's CPU went per request, by process, for each target and mode (median of
 * rounds, each column on its own): the target with its children, the PostgreSQL server (its
 * backends for this target's database and its own processes), the upstream, the load generator,
 * the rest, and the machine's whole busy time. On a shared two-core machine every row's req/s is
 * bounded by the whole, not by the target's own share.
 */
function printMachineCpu(opts: Options, results: Map<string, Run[]>): void {
  const rows: string[][] = [];
  for (const mode of opts.modes) {
    for (const t of opts.targets) {
      const runs = (results.get(`${t}/${mode}`) ?? []).filter((r) => r.machine && r.ok > 0);
      if (runs.length === 0) continue;
      const us = (pick: (m: MachineCpu) => number) => int(median(runs.map((r) => (pick(r.machine!) * 1000) / r.ok)));
      const own = (m: MachineCpu) => m[t] ?? 0;
      const postgres = (m: MachineCpu) => (m[postgresOf(t)] ?? 0) + (m[POSTGRES_SERVER] ?? 0);
      const upstream = (m: MachineCpu) => (t === "upstream" ? 0 : (m.upstream ?? 0));
      const all = (m: MachineCpu) => Object.values(m).reduce((a, b) => a + b, 0);
      const rest = (m: MachineCpu) => all(m) - own(m) - postgres(m) - upstream(m) - (m[GENERATOR] ?? 0);
      rows.push([LABEL[t], MODE_LABEL[mode], us(own), us(postgres), t === "upstream" ? "" : us(upstream), us((m) => m[GENERATOR] ?? 0), us(rest), us(all)]);
    }
  }
  if (rows.length === 0) return;
  console.log("\nMachine CPU per request, µs (median of rounds, each column on its own), by process:");
  console.log(table(["target", "mode", "target+children", "Postgres", "upstream", "load gen", "rest", "machine"], rows, 2));
  console.log(
    "target+children: the target's process and its children (Keel's console process, the embedded database's thread). Postgres: the server's " +
      "backends for this target's database and its own processes. rest: everything else, the kernel's own work and ended processes " +
      `included (/proc/stat's busy time less the processes seen, "${UNSEEN}"). machine: the whole.`,
  );
}

/** Stops a measured Keel, then tells what it logged about errors and how many request records it wrote. */
async function finishKeel(keel: BenchKeel, sent: number): Promise<void> {
  const { graceful } = await keel.child.stop();
  if (!graceful) console.log(`[bench] ${keel.name} did not stop within 20 s of SIGTERM and was killed`);
  const problems = keel.child.log().filter((l) => /error|failed|could not/i.test(l));
  if (problems.length) {
    console.log(`\n${keel.name} logged ${problems.length} line(s) about errors (last 400 lines kept); the first few:`);
    for (const l of problems.slice(0, 8)) console.log(`  ${l.slice(0, 240)}`);
  }
  const records = await keel.keelDb.countRequestRecords(keel.database, keel.seeded.tenantId);
  const byStatus = [...records.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${int(n)}`).join(", ");
  console.log(`\n${keel.label ? `${keel.label} ` : ""}request records written: ${int(records.total)} of ${int(sent)} ${keel.name} requests sent${byStatus ? ` (by status ${byStatus})` : ""}`);
}

runBench(main, "stopping the children and removing temp folders");
