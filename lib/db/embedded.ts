import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** A running embedded Postgres (PGlite) served over the wire protocol on loopback. */
export type EmbeddedDatabase = {
  url: string;
  /** Resolves once no client holds the single connection, so the next one can open. */
  waitForIdle: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * Starts PGlite with pgvector behind pglite-socket. It accepts exactly one client connection:
 * PGlite is a single backend session, and two clients would interleave their protocol messages
 * and read each other's rows. `dataDir` of "memory://" keeps everything in memory (tests).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  const releaseLock = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const db = await PGlite.create({ dataDir: inMemory ? undefined : dataDir, extensions: { vector } });
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 });
    queueBriefly(server);
    await server.start();
    // Node's own cap would drop a newcomer before queueBriefly sees it; the library's check,
    // after the wait, still admits one client at a time.
    (server as unknown as { server: { maxConnections: number } }).server.maxConnections = 16;
    const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    const waitForIdle = async () => {
      for (let i = 0; i < 200 && server.getStats().activeConnections > 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      releaseLock();
    };
    return { url, waitForIdle, stop };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * The socket server frees a closed connection's slot a moment after the client sees it close, and
 * turns away a connection that comes in that moment. Let a newcomer wait up to a second for the
 * slot instead. (pglite-socket is pinned exactly; handleConnection is its per-socket entry point.)
 */
function queueBriefly(server: PGLiteSocketServer) {
  const s = server as unknown as { handleConnection: (socket: unknown) => Promise<void> };
  const handle = s.handleConnection.bind(server);
  s.handleConnection = async (socket) => {
    for (let i = 0; i < 100 && server.getStats().activeConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    return handle(socket);
  };
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
