// CPU use of the bench's processes, so a row says whether its server was CPU-bound.
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const TICK_MS = 10; // Linux's USER_HZ is 100 on every mainstream build.

/** One process as /proc tells it: its parent, its name, when it started and its CPU so far (ms). */
type ProcessCpu = { ppid: number; comm: string; started: string; cpuMs: number };

/** A process's /proc/<pid>/stat; null when it is gone, unreadable or malformed. */
function readStat(pid: number | string): ProcessCpu | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    if (!Number.isFinite(cpuMs)) return null;
    return { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), started: fields[19], cpuMs };
  } catch {
    return null;
  }
}

/** User + system CPU time of a process in ms, from /proc; null where that is unavailable. */
export function processCpuMs(pid: number): number | null {
  return readStat(pid)?.cpuMs ?? null;
}

/** Measures CPU use between start() and stop(), as % of one core, for `pid` (or this process when null). */
export function cpuMeter(pid: number | null) {
  const read = () => (pid === null ? (process.cpuUsage().user + process.cpuUsage().system) / 1000 : processCpuMs(pid));
  let cpu0: number | null = null;
  let t0 = 0;
  let percent: number | null = null;
  return {
    start() {
      cpu0 = read();
      t0 = performance.now();
    },
    stop() {
      const cpu1 = read();
      percent = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / (performance.now() - t0)) * 100;
    },
    percent: () => percent,
  };
}

/** How busy the whole machine is over `ms`, as % of all cores (other work skews the numbers). */
export async function machineBusy(ms = 1000): Promise<number> {
  const sum = () =>
    os.cpus().reduce(
      (acc, c) => {
        const total = c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
        return { busy: acc.busy + total - c.times.idle, total: acc.total + total };
      },
      { busy: 0, total: 0 },
    );
  const a = sum();
  await sleep(ms);
  const b = sum();
  return b.total === a.total ? 0 : ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

function readProcesses(): Map<number, ProcessCpu> {
  const all = new Map<number, ProcessCpu>();
  let pids: string[] = [];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return all;
  }
  for (const p of pids) {
    const stat = readStat(p);
    if (stat) all.set(Number(p), stat);
  }
  return all;
}

/** The machine's busy CPU time so far, all cores, in ms (kernel work and ended processes included). */
function machineBusyMs(): number | null {
  try {
    const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    const t = ticks.slice(0, 8).map(Number);
    return (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) * TICK_MS;
  } catch {
    return null;
  }
}

/** The database a PostgreSQL backend serves, from its command line (`postgres: … user db host(port) state`). */
function postgresDatabaseOf(pid: number, databases: Set<string>): string | null {
  try {
    const words = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").split(/\s+/);
    return words.find((w) => databases.has(w)) ?? null;
  } catch {
    return null;
  }
}

/** Where the machine's CPU went over a window, in ms, by group (see machineCpuMeter). */
export type MachineCpu = Record<string, number>;

/** The group of a PostgreSQL server's processes that serve no measured database (WAL writer, checkpointer…). */
export const POSTGRES_SERVER = "postgres";
/** The group of a measured target's own database backends: `postgres:<target>`. */
export const postgresOf = (target: string) => `postgres:${target}`;
/** CPU the machine spent that no process seen at both ends accounts for: the kernel's own work, processes that ended. */
export const UNSEEN = "unseen";

/**
 * CPU of every process on the machine between start() and stop(), grouped: each named root's
 * process with all its descendants (a Keel's console process and the embedded database's thread
 * count as Keel); `postgres:<target>` for the backends serving the database given for that target;
 * `postgres` for a PostgreSQL server's other processes; "other" for the rest; and `unseen` for the
 * machine's busy time that none of these accounts for. A process is known by its pid and start
 * time, so a pid reused within the window is a new process. Null where /proc is unavailable.
 */
export function machineCpuMeter(roots: Record<string, number | null>, databases: Record<string, string> = {}) {
  const targetOfDatabase = new Map(Object.entries(databases).map(([target, db]) => [db, target]));
  const names = new Set(targetOfDatabase.keys());
  let before: Map<number, ProcessCpu> | null = null;
  let busy0: number | null = null;
  let result: MachineCpu | null = null;
  const groupOf = (pid: number, all: Map<number, ProcessCpu>): string => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = all.get(p)?.ppid, hops++) {
      for (const [name, root] of Object.entries(roots)) if (root === p) return name;
    }
    if (all.get(pid)?.comm !== "postgres") return "other";
    const db = postgresDatabaseOf(pid, names);
    return db ? postgresOf(targetOfDatabase.get(db)!) : POSTGRES_SERVER;
  };
  return {
    start() {
      busy0 = machineBusyMs();
      before = readProcesses();
    },
    stop() {
      const after = readProcesses();
      const busy1 = machineBusyMs();
      if (!before || before.size === 0 || after.size === 0) return;
      result = {};
      let seen = 0;
      for (const [pid, p] of after) {
        const was = before.get(pid);
        const used = p.cpuMs - (was && was.started === p.started ? was.cpuMs : 0);
        if (used <= 0) continue;
        const group = groupOf(pid, after);
        result[group] = (result[group] ?? 0) + used;
        seen += used;
      }
      if (busy0 !== null && busy1 !== null) result[UNSEEN] = Math.max(0, busy1 - busy0 - seen);
    },
    result: () => result,
  };
}
