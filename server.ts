import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { RequestSealer } from "@/lib/audit/request-sealer";
import { gatewayConfig, loadConfig } from "@/lib/config";
import { bootDatabase } from "@/lib/db/boot";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { GATEWAY_PREFIX, createGatewayHandler } from "@/lib/gateway/handler";
import { settleClientAddress } from "@/lib/net/client-address";
import { resealNotice, resealSecrets } from "@/lib/secrets/reseal";
import { securityHeaders } from "@/lib/net/security-headers";
import { seedIfEmpty, writeSignIns } from "@/prisma/seed";

/**
 * Keel's one process: opens the database (starting the embedded one when DATABASE_URL is unset),
 * applies migrations, seeds an empty database, and serves the console through Next. The gateway's
 * /api/v1 is served by lib/gateway ahead of Next on the same port: Next's per-request work and
 * garbage would cost the gateway a quarter or more of its throughput (see DESIGN.md).
 */
async function main() {
  const started = Date.now();
  const dev = process.env.NODE_ENV !== "production";
  const config = loadConfig();
  process.env.KEEL_MASTER_KEY = config.masterKey;
  process.env.NEXTAUTH_SECRET = config.authSecret;
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  process.env.KEEL_PUBLIC_URL ??= config.publicUrl;
  // For the console's side (Next's bundle, NextAuth); the gateway takes its configuration as values.
  process.env.KEEL_AUDIT_SIGNING_KEY = config.auditSigningKey;
  process.env.KEEL_OUTBOUND_ALLOW = config.outboundAllow;
  for (const notice of config.notices) console.log(`[keel] ${notice}`);

  const booted = await bootDatabase(config);
  console.log(`[keel] database: ${booted.where}${booted.applied.length ? `; applied ${booted.applied.join(", ")}` : ""}`);
  const resealed = resealNotice(await resealSecrets(booted.database.prisma));
  if (resealed) console.log(`[keel] ${resealed}`);
  const signIns = config.seed ? await seedIfEmpty(booted.database.prisma) : null;

  const dir = path.dirname(fileURLToPath(import.meta.url));
  const createNext = (next as unknown as { default?: typeof next }).default ?? next;
  const app = createNext({ dev, dir, hostname: "localhost", port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const consoleHeaders = Object.entries(securityHeaders({ publicUrl: config.publicUrl, dev, oidcIssuer: config.oidcIssuer }));
  const gateway = createGatewayHandler(gatewayConfig(config));
  await gateway.ready();
  // Seals request records into each tenant's signed audit chain, off the request path.
  const sealer = new RequestSealer(booted.database, { home: config.home });
  sealer.start();

  const server = http.createServer((req, res) => {
    // Audit events and throttles use the caller's address: only a trusted proxy may say what it is.
    settleClientAddress(req, config.trustProxy);
    if (req.url?.startsWith(GATEWAY_PREFIX)) {
      void gateway(req, res);
      return;
    }
    for (const [name, value] of consoleHeaders) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      console.error("[keel] request failed:", error);
      if (!res.headersSent) res.writeHead(500).end("Internal error");
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  // The console's "try it" panel reaches the gateway over loopback, as any caller would.
  const loopback = ["0.0.0.0", "::", ""].includes(config.host) ? "127.0.0.1" : config.host;
  publishConsoleGateway({ url: `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${(server.address() as AddressInfo).port}`, secret: config.authSecret });

  console.log(`[keel] Keel is ready on ${config.publicUrl} (${dev ? "development" : "production"}, ${Date.now() - started} ms)`);
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
    server.close();
    server.closeIdleConnections();
    // In-flight gateway requests finish and their records are written before the database goes.
    await gateway.close();
    await sealer.stop();
    server.closeAllConnections();
    await app.close?.();
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
