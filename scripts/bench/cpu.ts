// CPU use of the bench's processes, so a row says whether its server was CPU-bound.
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const TICK_MS = 10; // Linux's USER_HZ is 100 on every mainstream build.

/** User + system CPU time of a process in ms, from /proc; null where that is unavailable. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
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

/** One process as /proc tells it: its parent, its name and its CPU so far (ms). */
type ProcessCpu = { ppid: number; comm: string; cpuMs: number };

function readProcesses(): Map<number, ProcessCpu> {
  const all = new Map<number, ProcessCpu>();
  let pids: string[] = [];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return all;
  }
  for (const p of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      all.set(Number(p), { ppid: Number(fields[1]), comm, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
    } catch {
      // Gone meanwhile.
    }
  }
  return all;
}

/** The share of the machine's CPU each part of a run took, in ms over the window. */
export type MachineCpu = Record<string, number>;

/**
 * CPU of every process on the machine between start() and stop(), grouped: each named root's
 * process with all its descendants (a Keel's console process and the embedded database's thread
 * count as Keel), every `postgres` process (a PostgreSQL server's backends, its WAL writer and the
 * rest), and everything else as "other". Null where /proc is unavailable. Processes born during
 * the window count from zero; those that ended count for nothing.
 */
export function machineCpuMeter(roots: Record<string, number | null>) {
  let before: Map<number, ProcessCpu> | null = null;
  let result: MachineCpu | null = null;
  const groupOf = (pid: number, all: Map<number, ProcessCpu>): string => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = all.get(p)?.ppid, hops++) {
      for (const [name, root] of Object.entries(roots)) if (root === p) return name;
    }
    return all.get(pid)?.comm === "postgres" ? "postgres" : "other";
  };
  return {
    start() {
      before = readProcesses();
    },
    stop() {
      const after = readProcesses();
      if (!before || after.size === 0) return;
      result = {};
      for (const [pid, p] of after) {
        const used = p.cpuMs - (before.get(pid)?.cpuMs ?? 0);
        if (used <= 0) continue;
        const group = groupOf(pid, after);
        result[group] = (result[group] ?? 0) + used;
      }
    },
    result: () => result,
  };
}
