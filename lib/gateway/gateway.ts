import { Redis } from "ioredis";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { Budget } from "./budget";
import { BuiltinProvider } from "./builtin";
import { createEndpointLookup, type GatewayEndpoint } from "./endpoints";
import { createKeyLookup, createTenantLookup, type Authenticators } from "./keys";
import { LastUsed } from "./last-used";
import { Limits } from "./limits";
import { resolveOptions, type GatewayOptions, type ResolvedGatewayOptions } from "./options";
import { RecordWriter, recordInserter } from "./record-writer";
import { Upstream } from "./upstream";

/** Everything one gateway handler keeps between requests. Nothing here queries the database per request. */
export type Gateway = {
  options: ResolvedGatewayOptions;
  auth: Authenticators;
  lookupEndpoint: (tenantId: string, name: string) => Promise<GatewayEndpoint | null>;
  limits: Limits;
  budget: Budget;
  records: RecordWriter;
  upstream: Upstream;
  builtin: BuiltinProvider;
  lastUsed: LastUsed;
  redis: Redis | null;
};

/** Builds a gateway's caches, limiters, record writer and provider pools. */
export function createGateway(opts: GatewayOptions): Gateway {
  const options = resolveOptions(opts);
  const redis = options.redisUrl ? connectRedis(options.redisUrl) : null;
  return {
    options,
    auth: { lookupKey: createKeyLookup(options.cacheTtlMs), lookupTenant: createTenantLookup(options.cacheTtlMs), consoleSecret: options.consoleSecret },
    lookupEndpoint: createEndpointLookup(options.cacheTtlMs),
    limits: new Limits({ tenantRpm: options.tenantRpm, tenantTpm: options.tenantTpm, redis, prefix: options.redisPrefix }),
    budget: new Budget(options.budgetRefreshMs),
    records: new RecordWriter(recordInserter(options.auditSigningKey)),
    upstream: new Upstream({
      timeoutMs: options.providerTimeoutMs,
      maxRetries: options.maxRetries,
      retryBaseMs: options.retryBaseMs,
      maxRetryWaitMs: options.maxRetryWaitMs,
      outbound: createOutboundPolicy(options.outboundAllow),
    }),
    builtin: new BuiltinProvider(options.modelsDir),
    lastUsed: new LastUsed(),
    redis,
  };
}

function connectRedis(url: string): Redis {
  // No offline queue: while Redis is unreachable a limit check fails at once and the limiter
  // counts in this instance's memory, rather than holding requests until Redis is back.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  let warned = false;
  redis.on("error", (error: Error) => {
    if (!warned) console.error(`[gateway] Redis (${url.replace(/\/\/[^@/]*@/, "//***@")}): ${error.message}; limits fall back to memory`);
    warned = true;
  });
  redis.on("ready", () => (warned = false));
  return redis;
}

/**
 * Resolves once Redis is connected, so limits are shared from the first request; or as soon as
 * connecting fails, or after `timeoutMs`, since limits then fall back to memory anyway.
 */
export async function gatewayReady(gw: Gateway, timeoutMs = 3_000): Promise<void> {
  const redis = gw.redis;
  if (!redis || redis.status === "ready") return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis?.off("ready", done);
      redis?.off("error", done);
      resolve();
    }
    redis.once("ready", done);
    redis.once("error", done);
  });
}

/** Writes what is pending and lets go of connections. */
export async function closeGateway(gw: Gateway): Promise<void> {
  await gw.records.flush();
  await gw.lastUsed.flush();
  await gw.upstream.close();
  await gw.builtin.close();
  if (gw.redis) await gw.redis.quit().catch(() => gw.redis?.disconnect());
}
