import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { watchCommittedRecords } from "@/lib/audit/committed-records";
import { RequestSealer } from "@/lib/audit/request-sealer";
import { gatewayConfig, loadConfig } from "@/lib/config";
import { bootDatabase } from "@/lib/db/boot";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { GATEWAY_PREFIX, METRICS_PATH, createGatewayHandler } from "@/lib/gateway/handler";
import { settleClientAddress } from "@/lib/net/client-address";
import { resealNotice, resealSecrets } from "@/lib/secrets/reseal";
import { startBackgroundWork } from "@/lib/server/background";
import { startConsoleProcess, type ConsoleProcess } from "@/lib/server/console-process";
import { exportConsoleEnvironment } from "@/lib/server/console-environment";
import type { NextConsole } from "@/lib/server/next-console";
import { seedIfEmpty, writeSignIns } from "@/prisma/seed";

/**
 * Keel's server: opens the database (starting the embedded one when DATABASE_URL is unset),
 * applies migrations, seeds an empty database, serves the gateway's /api/v1 with lib/gateway and
 * every other path with the console (Next). Next's per-request work and garbage would cost the
 * gateway a quarter or more of its throughput in a shared process (see DESIGN.md), so with
 * DATABASE_URL the console runs in a child process (console-server.ts) behind this one, with the
 * background work (lib/server/background.ts); the embedded database serves one connection to one
 * process, so there all of it shares this process.
 */
async function main() {
  const started = Date.now();
  const dev = process.env.NODE_ENV !== "production";
  const config = loadConfig();
  // For the console's side (Next's bundle, NextAuth); the gateway takes its configuration as values.
  exportConsoleEnvironment(config);
  // Next's development server stays in this process (its reloads need it).
  const separate = !dev && config.consoleProcess === "separate";
  for (const notice of config.notices) console.log(`[keel] ${notice}`);

  const booted = await bootDatabase(config);
  console.log(`[keel] database: ${booted.where}${booted.applied.length ? `; applied ${booted.applied.join(", ")}` : ""}`);
  const resealed = resealNotice(await resealSecrets(booted.database.prisma));
  if (resealed) console.log(`[keel] ${resealed}`);
  const signIns = config.seed ? await seedIfEmpty(booted.database.prisma) : null;

  const dir = path.dirname(fileURLToPath(import.meta.url));
  // Shared: Next is prepared before the port opens. Loaded only here, so that a front process
  // with the console apart never loads Next at all.
  const shared: NextConsole | null = separate ? null : await (await import("@/lib/server/next-console")).prepareNextConsole({ dir, dev, config });
  let child: ConsoleProcess | null = null;
  const gateway = createGatewayHandler(gatewayConfig(config));
  await gateway.ready();
  // Seals request records into each tenant's signed audit chain, off the request path.
  const sealer = new RequestSealer(booted.database, { home: config.home });
  sealer.start();
  // Background work (pg-boss and its jobs, the content purge) runs where the console does: here
  // when shared, in the console's process when apart, which the record commits are told to.
  const background = shared ? await startBackgroundWork(booted.database, config) : null;
  const unwatchRecords = shared ? null : watchCommittedRecords(() => child?.recordsCommitted());

  const server = http.createServer((req, res) => {
    // Audit events and throttles use the caller's address: only a trusted proxy may say what it is.
    settleClientAddress(req, config.trustProxy);
    if (req.url?.startsWith(GATEWAY_PREFIX)) {
      void gateway(req, res);
      return;
    }
    // Prometheus scrapes the gateway's own counters here, without Next.
    if (req.url?.split("?", 1)[0] === METRICS_PATH) {
      gateway.metrics(req, res);
      return;
    }
    if (shared) shared.handle(req, res);
    else child!.handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  // The console's "try it" panel and playground reach the gateway over loopback, as any caller would.
  const loopback = ["0.0.0.0", "::", ""].includes(config.host) ? "127.0.0.1" : config.host;
  const gatewayUrl = `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${(server.address() as AddressInfo).port}`;
  // This process's own callers of the gateway (the console when shared, evaluation runs always) reach it here.
  publishConsoleGateway({ url: gatewayUrl, secret: config.authSecret });
  if (!shared) {
    // Apart: the port is bound first (a port in use fails before Next boots), and console pages
    // answer 503 for the second or two until the console is ready.
    child = startConsoleProcess({ script: path.join(dir, "console-server.ts"), env: process.env, home: config.home, gatewayUrl });
    try {
      await child.ready;
    } catch (error) {
      await child.close();
      throw error;
    }
  }

  const mode = `${dev ? "development" : "production"}${child ? ", console in its own process" : ""}`;
  console.log(`[keel] Keel is ready on ${config.publicUrl} (${mode}, ${Date.now() - started} ms)`);
  if (signIns) {
    const file = writeSignIns(config.home, signIns);
    console.log(`[keel] Seeded a demo tenant \`acme\`. Its sign-ins are in ${file} (readable by this user only).`);
    // Passwords go to a terminal, never to a log that a service manager or CI keeps.
    if (process.stdout.isTTY) {
      console.log(`[keel] Sign in at ${config.publicUrl}/sign-in (shown once, keep them):`);
      for (const s of signIns) console.log(`[keel]   ${s.role.padEnd(15)} ${s.email.padEnd(22)} ${s.password}`);
    } else {
      console.log(`[keel] Sign in at ${config.publicUrl}/sign-in`);
    }
  } else {
    console.log(`[keel] Sign in at ${config.publicUrl}/sign-in`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[keel] ${signal}: shutting down`);
    // The console got the same signal, which it leaves to this process: told now, it finishes its
    // requests and background jobs while the gateway finishes its own, and is not restarted.
    child?.beginStop();
    server.close();
    server.closeIdleConnections();
    // In-flight gateway requests finish and their records are written before the database goes.
    await gateway.close();
    await sealer.stop();
    unwatchRecords?.();
    await background?.stop();
    server.closeAllConnections();
    await child?.close();
    await shared?.close();
    await booted.shutdown();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`[keel] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
