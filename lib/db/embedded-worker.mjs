// The embedded database's thread (lib/db/embedded.ts starts it): PGlite with pgvector, served over
// the wire protocol on loopback (wire-server.mjs). Postgres in WebAssembly is CPU work; here it
// runs beside the process's main thread, which serves the gateway and the console, instead of on
// it (measured: a quarter of the main thread's time under gateway load). Plain JavaScript, so a
// worker started from any loader (tsx, vitest, a plain `node`) runs it as it is.
import crypto from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { serveWire } from "./wire-server.mjs";

const { dataDir } = workerData;

try {
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  // A new password each start: only this process's clients, which get the URL, can connect.
  const password = crypto.randomBytes(24).toString("base64url");
  const server = await serveWire(db, password);
  parentPort.on("message", async (message) => {
    if (message.type === "connections") parentPort.postMessage({ type: "connections", id: message.id, active: server.activeConnections() });
    if (message.type === "stop") {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: "stopped" });
    }
  });
  parentPort.postMessage({ type: "ready", conn: server.conn, password });
} catch (error) {
  parentPort.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
