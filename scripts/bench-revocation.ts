// `npm run bench:revocation`: how soon a key revoked in the console is refused by another Keel
// instance, through Redis.
//
// Two gateways on real loopback servers, on a fresh in-memory database, both on Redis and caching
// keys for a minute, so that only the Redis message can explain a refusal: the second one is
// started apart from this process's in-process bus, as an instance in another process would be.
// Each round creates a key through the console's action, makes both instances cache it, revokes
// it through the console's action while polling the second instance, and times the first 401 from
// the moment the committed revocation was announced. Prints the median and the slowest round,
// after one round that warms up and is not counted. Exit code 1 if a round is never refused.
//
//   npm run bench:revocation -- [--rounds 20] [--redis redis://127.0.0.1:6379]
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { db, openDatabase } from "../lib/db/client";
import { startEmbeddedDatabase } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/schema-engine";
import type { GatewayConfig } from "../lib/gateway/config";
import { createGatewayHandler, type GatewayHandler } from "../lib/gateway/handler";
import { onInvalidation } from "../lib/gateway/invalidation";
import { createApiKey, revokeApiKey } from "../lib/keys/actions";
import { callerFor, seedMember, seedTenant } from "../lib/testing/factories";
import { inAnotherProcess } from "../lib/testing/invalidation";

// A wrong key counts against its address (30 a minute, then 429): each round spends one on B.
const MAX_ROUNDS = 25;
const GIVE_UP_MS = 5_000;

function parseArgs(argv: string[]) {
  const o = { rounds: 20, redisUrl: "redis://127.0.0.1:6379" };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--rounds") o.rounds = Number(argv[++i]);
    else if (argv[i] === "--redis") o.redisUrl = argv[++i] ?? "";
    else throw new Error(`Unknown option ${argv[i]}. Usage: npm run bench:revocation -- [--rounds 20] [--redis redis://…]`);
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > MAX_ROUNDS) throw new Error(`--rounds needs a whole number from 1 to ${MAX_ROUNDS}`);
  if (!/^rediss?:\/\//.test(o.redisUrl)) throw new Error("--redis needs a redis:// URL");
  return o;
}

type Instance = { url: string; close: () => Promise<void> };

async function serve(handler: GatewayHandler): Promise<Instance> {
  await handler.ready();
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    close: async () => {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** GET /models/{name}: authenticates the key and looks the endpoint up, with no provider call. */
async function status(instance: Instance, secret: string, model: string): Promise<number> {
  const res = await request(`${instance.url}/models/${model}`, { headers: { authorization: `Bearer ${secret}` } });
  await res.body.dump();
  return res.statusCode;
}

/** An endpoint with an active, priced version; its provider is never called. */
async function seedEndpoint(tenantId: string) {
  const provider = await db().provider.create({ data: { tenantId, name: "unused", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const endpoint = await db().endpoint.create({ data: { tenantId, name: "bench-chat", kind: "CHAT" } });
  const version = await db().modelVersion.create({
    data: { tenantId, endpointId: endpoint.id, label: "v1", providerId: provider.id, providerModel: "m", inputPricePerMTok: 0, outputPricePerMTok: 0 },
  });
  await db().endpoint.update({ where: { id: endpoint.id }, data: { activeVersionId: version.id } });
  return endpoint.name;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  // Keys the console and the gateways share, as server.ts would give both.
  process.env.KEEL_MASTER_KEY ??= `bench:${crypto.randomBytes(32).toString("base64")}`;
  process.env.KEEL_AUDIT_SIGNING_KEY ??= `bench:${crypto.randomBytes(32).toString("base64")}`;

  const embedded = await startEmbeddedDatabase("memory://");
  await applyMigrations(embedded.url);
  await embedded.waitForIdle();
  const database = openDatabase(embedded.url, 1);
  const config: GatewayConfig = {
    masterKey: process.env.KEEL_MASTER_KEY!,
    consoleSecret: null,
    modelsDir: ".keel/models",
    auditSigningKey: process.env.KEEL_AUDIT_SIGNING_KEY!,
    redisUrl: opts.redisUrl,
    redisPrefix: `keel-bench:${crypto.randomUUID()}`,
    // Far longer than the bench: only the Redis message can make B refuse a key it has cached.
    cacheTtlMs: 10 * 60_000,
  };
  const a = await serve(createGatewayHandler(config));
  const b = await inAnotherProcess(async () => serve(createGatewayHandler(config)));

  try {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "ADMIN");
    const caller = callerFor(user);
    const model = await seedEndpoint(tenant.id);
    const afterAnnounced: number[] = [];
    const afterStart: number[] = [];
    const actionMs: number[] = [];
    // The factory announces a change once its transaction has committed: the revocation's moment.
    let announced = 0;
    onInvalidation(() => (announced = performance.now()));
    console.log(`Revoking a key in the console, refused by another instance over Redis (${opts.rounds} rounds):`);
    for (let round = 0; round <= opts.rounds; round++) {
      const created = await createApiKey.runAs(caller, { tenant: tenant.slug, name: `bench-${round}` });
      if (!created.ok) throw new Error(created.error);
      const { apiKeyId, secret } = created.data;
      for (const instance of [a, b]) {
        const code = await status(instance, secret, model);
        if (code !== 200) throw new Error(`a fresh key got ${code}`);
      }

      const started = performance.now();
      announced = 0;
      let returned = 0;
      const revoking = revokeApiKey.runAs(caller, { tenant: tenant.slug, apiKeyId }).then((r) => {
        returned = performance.now();
        if (!r.ok) throw new Error(r.error);
      });
      let refused: number | null = null;
      while (refused === null && performance.now() - started < GIVE_UP_MS) {
        const code = await status(b, secret, model);
        if (code === 401) refused = performance.now();
        else if (code !== 200) throw new Error(`polling instance B got ${code}`);
      }
      await revoking;
      if (refused === null) {
        console.error(`round ${round}: instance B still served the key ${GIVE_UP_MS} ms after the revocation`);
        return 1;
      }
      if (round === 0) continue;
      afterStart.push(refused - started);
      afterAnnounced.push(refused - announced);
      actionMs.push(returned - started);
    }
    const line = (label: string, xs: number[]) => console.log(`  ${label.padEnd(52)} median ${ms(median(xs))}, max ${ms(Math.max(...xs))}`);
    line("revoke action (transaction, audit event, announce)", actionMs);
    line("refused on B, from the committed revocation", afterAnnounced);
    line("refused on B, from the action's start", afterStart);
    return 0;
  } finally {
    await a.close();
    await b.close();
    await database.close();
    await embedded.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:revocation failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
