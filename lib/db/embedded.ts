import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** A running embedded Postgres (PGlite) served over the wire protocol on loopback. */
export type EmbeddedDatabase = {
  url: string;
  /** Resolves once no client holds the single connection, so the next one can open. */
  waitForIdle: () => Promise<void>;
  stop: () => Promise<void>;
};

type FromWorker =
  | { type: "ready"; conn: string; password: string }
  | { type: "failed"; message: string }
  | { type: "connections"; id: number; active: number }
  | { type: "stopped" };

/**
 * Starts PGlite with pgvector behind Keel's wire server (wire-server.mjs), in a thread of its own
 * (embedded-worker.mjs). It serves one client connection at a time, with a password made at each
 * start that only the returned URL holds: PGlite is a single backend session, and two clients
 * would interleave their protocol messages and read each other's rows. `dataDir` of "memory://"
 * keeps everything in memory (tests). The thread is part of this process: a crash or `kill -9` of
 * the process ends both, as before, and the data folder's lock is this process's.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  const releaseLock = inMemory ? () => {} : lockDataDir(dataDir);
  const worker = new Worker(new URL("./embedded-worker.mjs", import.meta.url), { workerData: { dataDir: inMemory ? undefined : dataDir } });
  let stopped = false;
  const crashed = (error: unknown) => {
    if (stopped) return;
    // Nothing in Keel can go on without its database: end the process, as a server that lost its database would.
    console.error("[keel] the embedded database stopped:", error);
    process.exit(1);
  };
  try {
    const { conn, password } = await new Promise<{ conn: string; password: string }>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === "ready") resolve(m);
        if (m.type === "failed") reject(new Error(m.message));
        if (m.type === "ready" || m.type === "failed") worker.off("message", onMessage);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`The embedded database's thread exited (code ${code}) before it was ready.`)));
    });
    worker.removeAllListeners("error").removeAllListeners("exit");
    worker.on("error", crashed);
    worker.on("exit", (code) => crashed(new Error(`its thread exited with code ${code}`)));
    const url = `postgresql://postgres:${password}@${conn}/postgres?sslmode=disable`;
    let asked = 0;
    const activeConnections = () =>
      new Promise<number>((resolve) => {
        const id = ++asked;
        const onMessage = (m: FromWorker) => {
          if (m.type !== "connections" || m.id !== id) return;
          worker.off("message", onMessage);
          resolve(m.active);
        };
        worker.on("message", onMessage);
        worker.postMessage({ type: "connections", id });
      });
    const waitForIdle = async () => {
      for (let i = 0; i < 200 && !stopped && (await activeConnections()) > 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        worker.on("message", (m: FromWorker) => m.type === "stopped" && resolve());
        worker.once("exit", () => resolve());
        worker.postMessage({ type: "stop" });
      });
      await worker.terminate();
      releaseLock();
    };
    return { url, waitForIdle, stop };
  } catch (error) {
    stopped = true;
    await worker.terminate();
    releaseLock();
    throw error;
  }
}

const lockedHere = new Set<string>();

/** Two openers of one PGlite folder would corrupt it; a pid file keeps out the second. */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const lockFile = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      lockedHere.add(lockFile);
      return () => {
        lockedHere.delete(lockFile);
        fs.rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(fs.readFileSync(lockFile, "utf8"));
      const held = owner === process.pid ? lockedHere.has(lockFile) : owner > 0 && isAlive(owner);
      if (held) {
        throw new Error(
          `The embedded database at ${dataDir} is in use by process ${owner}. ` +
            `Stop that Keel first, or set KEEL_DATA_DIR to another folder.`,
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
