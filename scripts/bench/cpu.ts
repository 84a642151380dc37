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
