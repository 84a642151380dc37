import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startArgs } from "../scripts/start-args";

export type SignIn = { role: string; email: string; password: string };
export type KeelProcess = { url: string; home: string; pid: number; signIns: SignIn[]; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<void> };

/**
 * Starts Keel as `npm start` does (building first when the sources changed) on its embedded
 * database in `home`, or on the Postgres at `databaseUrl`, and reads the sign-ins it prints on
 * first start.
 */
export async function startKeel(opts: { port: number; home?: string; timeoutMs?: number; databaseUrl?: string }): Promise<KeelProcess> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "keel-e2e-"));
  const root = path.resolve(import.meta.dirname, "..");
  const child: ChildProcess = spawn(process.execPath, startArgs(root), {
    cwd: root,
    // The browser tests' fake provider listens on loopback, which Keel refuses to call unless allowed.
    env: { ...process.env, PORT: String(opts.port), KEEL_HOME: home, DATABASE_URL: opts.databaseUrl ?? "", NODE_ENV: "production", KEEL_OUTBOUND_ALLOW: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (log += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Keel did not start in time:\n${log}`)), opts.timeoutMs ?? 600_000);
    const check = () => {
      if (log.includes("Keel is ready") && log.includes("Sign in at")) {
        clearTimeout(timer);
        setTimeout(resolve, 50);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Keel exited with ${code}:\n${log}`));
    });
  });
  // Not a terminal, so Keel logs no passwords: it writes them to a 0600 file in its home.
  const file = path.join(home, "initial-sign-ins.txt");
  const seeded = log.includes("Seeded a demo tenant");
  const text = seeded && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const signIns = [...text.matchAll(/^(?!#)(.+?)\s{2,}(\S+@\S+)\s+(\S+)$/gm)].map((m) => ({ role: m[1].trim(), email: m[2], password: m[3] }));
  return {
    url: `http://localhost:${opts.port}`,
    home,
    pid: child.pid!,
    signIns,
    output: () => log,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    },
  };
}
