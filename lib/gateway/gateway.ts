import { Redis } from "ioredis";
import { parseAuditKeys, publicKeysOf } from "@/lib/audit/signer";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { createTelemetry, type Telemetry } from "@/lib/monitoring/telemetry/telemetry";
import { closeProviders, providersFor, type Providers } from "@/lib/providers/kinds";
import { parseMasterKeys } from "@/lib/secrets/secrets";
import { Budget, keySpend } from "./budget";
import { resolveGatewayConfig, type GatewayConfig, type ResolvedGatewayConfig } from "./config";
import { createEndpointLookup, type EndpointLookup } from "./endpoints";
import { invalidationChannel, linkInvalidations, type InvalidationLink } from "./invalidation-link";
import { createKeyLookup, createTenantLookup, type Authenticators } from "./keys";
import { LastUsed } from "./last-used";
import { PromptFetches } from "./prompt-fetches";
import { createPromptLookup, type PromptLookup } from "./prompt-lookup";
import { Limits } from "./limits";
import { RecordWriter, recordInserter } from "./record-writer";

/** Everything one gateway handler keeps between requests. Nothing here queries the database per request. */
export type Gateway = {
  config: ResolvedGatewayConfig;
  auth: Authenticators;
  lookupEndpoint: EndpointLookup;
  lookupPrompt: PromptLookup;
  limits: Limits;
  budget: Budget;
  /** Keys' own monthly limits (budget mode HARD), held like the tenant's. */
  keyBudget: Budget;
  records: RecordWriter;
  /** One provider per kind; the call step picks by the version's provider kind. */
  providers: Providers;
  lastUsed: LastUsed;
  /** Prompt fetches, counted in memory and written in batches. */
  promptFetches: PromptFetches;
  redis: Redis | null;
  /** Drops cached keys, tenants, endpoints and prompts as the console changes them, on this instance and, through Redis, on the others. */
  invalidation: InvalidationLink;
  /** Spans and metrics of finished requests; null when neither is configured. */
  telemetry: Telemetry | null;
};

/** Builds a gateway's caches, limiters, record writer and providers from its configuration alone. */
export function createGateway(given: GatewayConfig): Gateway {
  const config = resolveGatewayConfig(given);
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : null;
  const auth = { lookupKey: createKeyLookup(config.cacheTtlMs), lookupTenant: createTenantLookup(config.cacheTtlMs), consoleSecret: config.consoleSecret };
  const lookupEndpoint = createEndpointLookup(config.cacheTtlMs, parseMasterKeys(config.masterKey));
  // Served prompts are checked against their signed audit events: only the public halves are needed.
  const lookupPrompt = createPromptLookup(config.cacheTtlMs, config.auditSigningKey ? publicKeysOf(parseAuditKeys(config.auditSigningKey)) : null);
  const records = new RecordWriter(recordInserter(config.auditSigningKey));
  return {
    config,
    auth,
    lookupEndpoint,
    lookupPrompt,
    limits: new Limits({ tenantRpm: config.tenantRpm, tenantTpm: config.tenantTpm, redis, prefix: config.redisPrefix }),
    budget: new Budget(config.budgetRefreshMs),
    keyBudget: new Budget(config.budgetRefreshMs, keySpend, "API key"),
    records,
    providers: providersFor({
      timeoutMs: config.providerTimeoutMs,
      maxRetries: config.maxRetries,
      retryBaseMs: config.retryBaseMs,
      maxRetryWaitMs: config.maxRetryWaitMs,
      outbound: createOutboundPolicy(config.outboundAllow),
      modelsDir: config.modelsDir,
    }),
    lastUsed: new LastUsed(),
    promptFetches: new PromptFetches(),
    redis,
    invalidation: linkInvalidations({ ...auth, lookupEndpoint, lookupPrompt }, redis, invalidationChannel(config.redisPrefix)),
    telemetry: config.telemetry ? createTelemetry(config.telemetry, { recordsPending: () => records.pending }) : null,
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
 * Resolves once Redis is connected and delivers changes, so limits are shared and other instances'
 * revocations heard from the first request; or as soon as connecting fails, or after `timeoutMs`,
 * since limits then fall back to memory and caches to their TTL anyway.
 */
export async function gatewayReady(gw: Gateway, timeoutMs = 3_000): Promise<void> {
  const subscribed = gw.invalidation.ready(timeoutMs);
  const redis = gw.redis;
  if (!redis || redis.status === "ready") return subscribed;
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
  await subscribed;
}

/** Writes what is pending, exports the last spans and lets go of connections. */
export async function closeGateway(gw: Gateway): Promise<void> {
  await gw.records.flush();
  await gw.telemetry?.close();
  await gw.lastUsed.flush();
  await gw.promptFetches.flush();
  await closeProviders(gw.providers);
  await gw.invalidation.close();
  if (gw.redis) await gw.redis.quit().catch(() => gw.redis?.disconnect());
}
