// A Keel that `npm run bench:gateway` measures, made ready as a used install: a fresh home and
// database, seeded (tenant and its owner, provider -> the bench upstream, endpoint `bench-chat`,
// an unlimited API key), started as `npm start` does, one request sent through it, and its console
// rendered. The bench makes one from this checkout and, with --baseline-tree, one from another.
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { request } from "undici";
import { startArgs } from "../start-args";
import { renderConsolePages, type ConsoleVisit } from "./console";
import { embeddedDatabase, freshExternalDatabase, type KeelDatabase, type Seeded } from "./keel-db";
import { freePort, startKeel, tempDir, type KeelChild } from "./processes";

/** How a Keel's bench database is seeded and read back: keel-db.ts's two functions, from the checkout that Keel runs. */
export type KeelDbAccess = {
  seedKeel: (database: KeelDatabase, opts: { upstreamPort: number; masterKey: string; auditSigningKey: string }) => Promise<Seeded>;
  countRequestRecords: (database: KeelDatabase, tenantId: string) => Promise<{ total: number; byStatus: Map<number, number> }>;
};

export type BenchKeel = {
  /** How the bench's lines name it: "Keel", or its label. */
  name: string;
  /** Set for a Keel other than this checkout's ("keel-base"); its lines start with it. */
  label: string | undefined;
  port: number;
  child: KeelChild;
  database: KeelDatabase;
  keelDb: KeelDbAccess;
  seeded: Seeded;
  /** Signing in to its console and the pages' parameters, for renderConsolePages and browseConsole. */
  visit: Omit<ConsoleVisit, "passes">;
};

/** Seeds, starts and warms up one Keel from the checkout at `root`, as described above. */
export async function prepareKeel(opts: {
  root: string;
  label?: string;
  keelDb: KeelDbAccess;
  upstreamPort: number;
  externalUrl: string | null;
  startTimeoutMs: number;
  consolePasses: number;
}): Promise<BenchKeel> {
  const name = opts.label ?? "Keel";
  const log = (line: string) => console.log(`[bench] ${opts.label ? `${opts.label}: ` : ""}${line}`);
  const home = tempDir("keel-bench-", os.tmpdir());
  const masterKey = `bench:${crypto.randomBytes(32).toString("base64")}`;
  const auditSigningKey = `bench:${crypto.randomBytes(32).toString("base64")}`;
  const database = opts.externalUrl ? await freshExternalDatabase(opts.externalUrl) : embeddedDatabase(home);
  const seeded = await opts.keelDb.seedKeel(database, { upstreamPort: opts.upstreamPort, masterKey, auditSigningKey });
  log(`seeded ${database.kind === "embedded" ? `the embedded database in ${database.dataDir}` : database.redacted}: tenant ${seeded.tenantSlug} (owner ${seeded.owner.email}), endpoint ${seeded.endpointName} -> bench-model`);
  const port = await freePort();
  log(`starting Keel${opts.label ? ` from ${opts.root}` : ""} on 127.0.0.1:${port} (node ${startArgs(opts.root).join(" ")}, as npm start does; it builds Next first when the sources changed)…`);
  const started = Date.now();
  const child = await startKeel({
    root: opts.root,
    timeoutMs: opts.startTimeoutMs,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      KEEL_HOME: home,
      KEEL_DATA_DIR: "",
      NODE_ENV: "production",
      KEEL_MASTER_KEY: masterKey,
      KEEL_AUDIT_SIGNING_KEY: auditSigningKey,
      KEEL_SEED: "false",
      // The bench upstream listens on loopback, which Keel refuses to call unless allowed.
      KEEL_OUTBOUND_ALLOW: `127.0.0.1:${opts.upstreamPort}`,
      DATABASE_URL: database.kind === "external" ? database.url : "",
    },
  });
  log(`Keel is ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // A request's own page needs a request: this first one names it.
  const first = await request(`http://127.0.0.1:${port}/api/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${seeded.apiKey}` },
    body: JSON.stringify({ model: seeded.endpointName, messages: [{ role: "user", content: "Say hello." }], max_tokens: 16 }),
  });
  await first.body.text();
  const firstRequestId = String(first.headers["x-request-id"] ?? "");
  if (first.statusCode !== 200 || !firstRequestId) throw new Error(`${name}'s first request failed (HTTP ${first.statusCode})`);

  const visit = {
    origin: `http://127.0.0.1:${port}`,
    // Its own pages: another checkout may have other screens.
    appDir: path.join(opts.root, "app"),
    email: seeded.owner.email,
    password: seeded.owner.password,
    params: {
      tenant: seeded.tenantSlug, endpointId: seeded.endpointId, name: seeded.promptName, requestId: firstRequestId,
      ...(seeded.versionId ? { versionId: seeded.versionId } : {}),
      ...(seeded.datasetId ? { datasetId: seeded.datasetId } : {}),
      ...(seeded.runId ? { runId: seeded.runId, "?/t/[tenant]/evals/compare": `a=${seeded.runId}&b=${seeded.runId}` } : {}),
      ...(seeded.rolloutId ? { rolloutId: seeded.rolloutId } : {}),
    },
  };
  if (opts.consolePasses > 0) {
    const rendered = await renderConsolePages({ ...visit, passes: opts.consolePasses });
    const routes = rendered.pages.map((p) => p.route.replace(/^\/t\/\[tenant\]/, "") || "/").join(" ");
    log(
      `console: signed in as ${seeded.owner.email} and rendered ${rendered.renders} pages ` +
        `(${rendered.pages.length} × ${opts.consolePasses} passes: ${routes}) in ${(rendered.ms / 1000).toFixed(1)} s`,
    );
  } else {
    log("console: not used (--console-passes 0); a Keel whose console was used measures slower");
  }
  return { name, label: opts.label, port, child, database, keelDb: opts.keelDb, seeded, visit };
}
