// Child processes and clean-up for `npm run bench:gateway`: every child and temp folder is
// registered here and removed on normal exit, on errors and on Ctrl-C.
import { fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { startArgs } from "../start-args";

type Cleanup = { name: string; run: () => Promise<void> | void; sync: () => void };
const cleanups: Cleanup[] = [];

/** Registers something to undo; `sync` is the last resort when the process exits without `cleanUp`. */
export function onCleanup(name: string, run: () => Promise<void> | void, sync: () => void = () => {}): void {
  cleanups.push({ name, run, sync });
}

/** Undoes everything registered, newest first; safe to call more than once. */
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop()!;
    try {
      await c.run();
    } catch (error) {
      console.error(`[bench] cleaning up ${c.name} failed: ${(error as Error).message}`);
      try {
        c.sync();
      } catch {}
    }
  }
}

process.on("exit", () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      c.sync();
    } catch {}
  }
});

export function tempDir(prefix: string, parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  onCleanup(`temp folder ${dir}`, remove, remove);
  return dir;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/**
 * Forks one of the bench's small servers (a .ts file, run through tsx) and waits for the port it
 * reports over IPC. The child exits by itself when this process goes away (IPC disconnect).
 */
export async function forkServer(name: string, script: string, args: string[] = []): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(script, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const kill = () => {
    if (alive(child)) child.kill("SIGKILL");
  };
  onCleanup(
    name,
    async () => {
      if (!alive(child)) return;
      child.kill("SIGTERM");
      if (!(await exited(child, 3_000))) kill();
    },
    kill,
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m?.type === "ready" && m.port) {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
    });
  });
  return { port, child };
}

export type KeelChild = {
  pid: number;
  /** Keel's output so far (the last 400 lines). */
  log: () => string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process group is gone. */
  stop: (graceMs?: number) => Promise<{ graceful: boolean }>;
};

/**
 * Starts Keel as `npm start` does, in a process group of its own (so a `next build` in progress
 * goes too), and waits for "Keel is ready". `[keel]` lines are echoed while it starts.
 */
export async function startKeel(opts: { root: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<KeelChild> {
  const child = spawn(process.execPath, startArgs(opts.root), {
    cwd: opts.root,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid!;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {}
  };
  const lines: string[] = [];
  let echo = true;
  const take = (stream: NodeJS.ReadableStream) => {
    let partial = "";
    stream.on("data", (b: Buffer) => {
      const parts = (partial + b.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 400) lines.shift();
        if (echo && line.startsWith("[keel]")) console.log(`    ${line}`);
      }
    });
  };
  take(child.stdout!);
  take(child.stderr!);

  let stopped: Promise<{ graceful: boolean }> | null = null;
  const stop = (graceMs = 20_000) =>
    (stopped ??= (async () => {
      if (!alive(child)) {
        killGroup("SIGKILL");
        return { graceful: true };
      }
      killGroup("SIGTERM");
      const graceful = await exited(child, graceMs);
      killGroup("SIGKILL");
      if (!graceful) await exited(child, 5_000);
      return { graceful };
    })());
  onCleanup("Keel", () => stop().then(() => {}), () => killGroup("SIGKILL"));

  await new Promise<void>((resolve, reject) => {
    const tail = () => `\n--- Keel's last output ---\n${lines.slice(-40).join("\n")}`;
    const timer = setTimeout(() => reject(new Error(`Keel was not ready within ${opts.timeoutMs / 1000} s${tail()}`)), opts.timeoutMs);
    const check = () => {
      if (lines.some((l) => l.includes("Keel is ready"))) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // Let the last of its output arrive first.
      setTimeout(() => reject(new Error(`Keel exited before it was ready (${signal ?? `exit code ${code}`})${tail()}`)), 50);
    });
  });
  // Let the sign-in lines that follow "ready" through, then stay quiet.
  setTimeout(() => (echo = false), 200);
  return { pid, log: () => [...lines], stop };
}

/**
 * Runs a bench's main and exits with its code, cleaning up (children, databases, temp folders)
 * however it ends: done, failed, or interrupted by a signal (`stopping` says what the cleanup does).
 */
export function runBench(main: () => Promise<number>, stopping: string, opts: { stack?: boolean } = {}): void {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.log(`\n[bench] ${signal}: ${stopping}…`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  main()
    .then(async (code) => {
      await cleanUp();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`[bench] failed: ${error instanceof Error ? ((opts.stack ? error.stack : undefined) ?? error.message) : String(error)}`);
      await cleanUp();
      process.exit(1);
    });
}
