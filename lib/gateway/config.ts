import type { TelemetryConfig } from "@/lib/monitoring/telemetry/config";

/**
 * What one gateway needs, passed in as values: nothing in lib/gateway reads the environment, so a
 * gateway runs the same whatever started it (server.ts, a process of its own, a test). lib/config.ts
 * reads the environment once and builds this (gatewayConfig()).
 */
export type GatewayConfig = {
  /** KEEL_MASTER_KEY's key list: opens the providers' API keys. */
  masterKey: string;
  /** The session secret, which signs the console's tokens for the "try it" panel and the playground; null refuses them. */
  consoleSecret: string | null;
  /** Where the built-in models' joined files are kept (KEEL_HOME/models). */
  modelsDir: string;
  /** Ed25519 key list whose first key also derives the request records' MAC key; null writes no MAC. */
  auditSigningKey: string | null;
  /** Private hosts, addresses and ranges providers may be reached at (KEEL_OUTBOUND_ALLOW); "" admits none. */
  outboundAllow?: string;
  /** Shared limits and cache invalidation across instances (REDIS_URL); null keeps both in this instance. */
  redisUrl?: string | null;
  /** Per-tenant requests and tokens per minute (KEEL_TENANT_RPM, KEEL_TENANT_TPM); null = unlimited. */
  tenantRpm?: number | null;
  tenantTpm?: number | null;
  /** Wait for a provider's headers, and between body chunks (KEEL_PROVIDER_TIMEOUT_MS, 60000). */
  providerTimeoutMs?: number;
  /** Retries after the first provider call (2). */
  maxRetries?: number;
  /** First retry's backoff; doubles each retry (250). */
  retryBaseMs?: number;
  /** Longest retry-after the gateway waits out before answering instead (10000). */
  maxRetryWaitMs?: number;
  /** How long keys and endpoints are cached; bounds how late a change applies without Redis (2000). */
  cacheTtlMs?: number;
  /** How often a tenant's month-to-date spend is re-read from the records (10000). */
  budgetRefreshMs?: number;
  /** Prefix of the gateway's keys and channels in Redis ("keel:rl"). */
  redisPrefix?: string;
  /** Largest request body accepted (10 MiB). */
  maxBodyBytes?: number;
  /** How long close() lets in-flight requests finish before cutting them (5000). */
  closeGraceMs?: number;
  /** How long a stream may wait, in all, for its caller to read before it is cut off (60000). */
  stalledCallerMs?: number;
  /** Traces by OTLP and the /api/metrics counters (lib/monitoring/telemetry); null: neither, at no cost per request. */
  telemetry?: TelemetryConfig | null;
};

export type ResolvedGatewayConfig = Required<GatewayConfig>;

/** The configuration with every default filled in. */
export function resolveGatewayConfig(config: GatewayConfig): ResolvedGatewayConfig {
  return {
    masterKey: config.masterKey,
    consoleSecret: config.consoleSecret,
    modelsDir: config.modelsDir,
    auditSigningKey: config.auditSigningKey,
    outboundAllow: config.outboundAllow ?? "",
    redisUrl: config.redisUrl ?? null,
    tenantRpm: config.tenantRpm ?? null,
    tenantTpm: config.tenantTpm ?? null,
    providerTimeoutMs: config.providerTimeoutMs ?? 60_000,
    maxRetries: config.maxRetries ?? 2,
    retryBaseMs: config.retryBaseMs ?? 250,
    maxRetryWaitMs: config.maxRetryWaitMs ?? 10_000,
    cacheTtlMs: config.cacheTtlMs ?? 2_000,
    budgetRefreshMs: config.budgetRefreshMs ?? 10_000,
    redisPrefix: config.redisPrefix ?? "keel:rl",
    maxBodyBytes: config.maxBodyBytes ?? 10 * 1024 * 1024,
    closeGraceMs: config.closeGraceMs ?? 5_000,
    stalledCallerMs: config.stalledCallerMs ?? 60_000,
    telemetry: config.telemetry ?? null,
  };
}
