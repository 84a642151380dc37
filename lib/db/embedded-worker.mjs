// The embedded database's thread (lib/db/embedded.ts starts it): PGlite with pgvector behind
// pglite-socket, on loopback. Postgres in WebAssembly is CPU work; here it runs beside the
// process's main thread, which serves the gateway and the console, instead of on it (measured:
// a quarter of the main thread's time under gateway load). Plain JavaScript, so a worker started
// from any loader (tsx, vitest, a plain `node`) runs it as it is.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const { dataDir } = workerData;

/**
 * The socket server frees a closed connection's slot a moment after the client sees it close, and
 * turns away a connection that comes in that moment. Let a newcomer wait up to a second for the
 * slot instead. (pglite-socket is pinned exactly; handleConnection is its per-socket entry point.)
 */
function queueBriefly(server) {
  const handle = server.handleConnection.bind(server);
  server.handleConnection = async (socket) => {
    for (let i = 0; i < 100 && server.getStats().activeConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    return handle(socket);
  };
}

try {
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 });
  queueBriefly(server);
  await server.start();
  // Node's own cap would drop a newcomer before queueBriefly sees it; the library's check, after
  // the wait, still admits one client at a time.
  server.server.maxConnections = 16;
  parentPort.on("message", async (message) => {
    if (message.type === "connections") parentPort.postMessage({ type: "connections", id: message.id, active: server.getStats().activeConnections });
    if (message.type === "stop") {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: "stopped" });
    }
  });
  parentPort.postMessage({ type: "ready", conn: server.getServerConn() });
} catch (error) {
  parentPort.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
