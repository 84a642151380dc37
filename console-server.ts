import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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
  // decides when the console stops, and tells it as soon as it begins to stop itself.
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
  tell({ type: "ready" });

  // Keel's background work runs here, off the gateway's process (lib/server/background.ts). A
  // failure to start it (the database away for a moment) is retried here: the console serves on.
  const quit = new AbortController();
  const backgroundStarted = (async () => {
    for (let attempt = 0; !quit.signal.aborted; attempt++) {
      try {
        const work = await startBackgroundWork(database, config);
        if (quit.signal.aborted) await work.stop();
        else background = work;
        return;
      } catch (error) {
        const delay = BACKGROUND_RETRY_MS[Math.min(attempt, BACKGROUND_RETRY_MS.length - 1)];
        console.error(`[keel] the background work could not start (${error instanceof Error ? error.message : String(error)}); trying again in ${delay / 1000} s`);
        await sleep(delay, undefined, { signal: quit.signal }).catch(() => {});
      }
    }
  })();

  let stopping = false;
  stop = async () => {
    if (stopping) return;
    stopping = true;
    quit.abort();
    // However the stop goes, this process does not outlive it by much (the front may be gone).
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    // Requests in flight and jobs in progress finish, side by side, before the database goes; a
    // connection left open is cut after 5 s.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    await Promise.all([closed, backgroundStarted.then(() => background?.stop())]);
    clearTimeout(force);
    await console_.close();
    await database.close();
    process.exit(0);
  };
  if (!process.connected) await stop();
}

/** Waits between attempts to start the background work. */
const BACKGROUND_RETRY_MS = [1_000, 5_000, 15_000, 30_000];
/** The longest a stop may take before the process exits anyway (the front kills it after 10 s). */
const STOP_DEADLINE_MS = 9_500;

main().catch((error: unknown) => {
  console.error(`[keel] the console could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
