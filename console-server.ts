import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/client";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { onInvalidation } from "@/lib/gateway/invalidation";
import { startBackgroundWork, type BackgroundWork } from "@/lib/server/background";
import { frontMessageSchema, type ConsoleMessage } from "@/lib/server/console-messages";
import { prepareNextConsole } from "@/lib/server/next-console";

/**
 * The console's process, started by server.ts when the console runs apart from the gateway
 * (KEEL_CONSOLE_PROCESS=separate, with DATABASE_URL). It serves Next on the Unix socket the front
 * process names, with a pool of its own on the same database; the front has already applied the
 * migrations, seeded, exported the console's environment and bound the port (its gateway's URL
 * comes in KEEL_CONSOLE_GATEWAY_URL). It also runs Keel's background work (lib/server/background.ts),
 * told by the front when request records commit. It stops when the front tells it to, or when the
 * front is gone.
 */
async function main() {
  const socketPath = process.env.KEEL_CONSOLE_SOCKET;
  const gatewayUrl = process.env.KEEL_CONSOLE_GATEWAY_URL;
  const config = loadConfig();
  if (!socketPath || !gatewayUrl || !process.send || !process.connected || !config.databaseUrl) {
    throw new Error("console-server.ts is started by server.ts, with DATABASE_URL set");
  }
  const tell = (message: ConsoleMessage) => {
    if (process.connected) process.send?.(message, undefined, {}, () => {});
  };
  // Until the console serves, stopping is just exiting.
  let stop: () => Promise<void> = async () => process.exit(0);
  // The front process went away (even by kill -9): nothing can reach this one any more.
  process.on("disconnect", () => void stop());
  // Signals go to the whole process group at once (Ctrl-C, a service manager): the front process
  // decides when the console stops, after the gateway has finished its requests.
  process.on("SIGTERM", () => {});
  process.on("SIGINT", () => {});
  let background: BackgroundWork | null = null;
  process.on("message", (raw: unknown) => {
    const message = frontMessageSchema.safeParse(raw);
    if (!message.success) return;
    if (message.data.type === "ping") tell({ type: "pong" });
    else if (message.data.type === "records") background?.recordsCommitted();
    else void stop();
  });

  const database = openDatabase(config.databaseUrl, 10);
  publishConsoleGateway({ url: gatewayUrl, secret: config.authSecret });
  // The console's committed changes reach the gateway's caches in the front process.
  onInvalidation((change) => tell({ type: "invalidate", change }));

  const dir = path.dirname(fileURLToPath(import.meta.url));
  const console_ = await prepareNextConsole({ dir, dev: false, config });
  const server = http.createServer(console_.handle);
  server.keepAliveTimeout = 65_000;
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  fs.chmodSync(socketPath, 0o600);
  // Keel's background work runs here, off the gateway's process (lib/server/background.ts).
  background = await startBackgroundWork(database, config);
  tell({ type: "ready" });

  let stopping = false;
  stop = async () => {
    if (stopping) return;
    stopping = true;
    // Requests in flight finish before the database goes; a connection left open is cut after 5 s.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(force);
    await background?.stop();
    await console_.close();
    await database.close();
    process.exit(0);
  };
  if (!process.connected) await stop();
}

main().catch((error: unknown) => {
  console.error(`[keel] the console could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
