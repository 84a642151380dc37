import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/client";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { onInvalidation } from "@/lib/gateway/invalidation";
import { frontMessageSchema, type ConsoleMessage } from "@/lib/server/console-messages";
import { prepareNextConsole } from "@/lib/server/next-console";

/**
 * The console's process, started by server.ts when the console runs apart from the gateway
 * (KEEL_CONSOLE_PROCESS=separate, with DATABASE_URL). It serves Next on the Unix socket the front
 * process names, with a pool of its own on the same database; the front has already applied the
 * migrations, seeded and exported the console's environment. It ends with the front process.
 */
async function main() {
  const socketPath = process.env.KEEL_CONSOLE_SOCKET;
  const config = loadConfig();
  if (!socketPath || !process.send || !config.databaseUrl) {
    throw new Error("console-server.ts is started by server.ts, with DATABASE_URL set");
  }
  const tell = (message: ConsoleMessage) => process.send?.(message);
  const database = openDatabase(config.databaseUrl, 10);
  // The console's committed changes reach the gateway's caches in the front process.
  onInvalidation((change) => tell({ type: "invalidate", change }));
  process.on("message", (raw: unknown) => {
    const message = frontMessageSchema.safeParse(raw);
    if (message.success) publishConsoleGateway({ url: message.data.url, secret: config.authSecret });
  });

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
  tell({ type: "ready" });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Requests in flight finish before the database goes; a connection left open is cut after 5 s.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(force);
    await console_.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  // The front process went away (even by kill -9): nothing can reach this one any more.
  process.on("disconnect", () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[keel] the console could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
