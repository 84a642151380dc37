import path from "node:path";
import { z } from "zod";

/** Tuning for one gateway handler; anything left out comes from the environment or a default. */
export type GatewayOptions = {
  /** Wait for a provider's headers, and between body chunks (KEEL_PROVIDER_TIMEOUT_MS, 60000). */
  providerTimeoutMs?: number;
  /** Retries after the first provider call (2). */
  maxRetries?: number;
  /** First retry's backoff; doubles each retry (250). */
  retryBaseMs?: number;
  /** Longest retry-after the gateway waits out before answering instead (10000). */
  maxRetryWaitMs?: number;
  /** How long keys and endpoints are cached; bounds how late a revocation applies (2000). */
  cacheTtlMs?: number;
  /** How often a tenant's month-to-date spend is re-read from the records (10000). */
  budgetRefreshMs?: number;
  /** Shared limits across instances (REDIS_URL); null forces in-memory limits. */
  redisUrl?: string | null;
  /** Prefix of the limiter keys in Redis ("keel:rl"). */
  redisPrefix?: string;
  /** Per-tenant requests and tokens per minute (KEEL_TENANT_RPM, KEEL_TENANT_TPM); null = unlimited. */
  tenantRpm?: number | null;
  tenantTpm?: number | null;
  /** Largest request body accepted (10 MiB). */
  maxBodyBytes?: number;
  /** Verifies console tokens from the "try it" panel (NEXTAUTH_SECRET); null refuses them. */
  consoleSecret?: string | null;
  /** Where the built-in models' joined files are kept (KEEL_HOME/models). */
  modelsDir?: string;
  /** How long close() lets in-flight requests finish before cutting them (5000). */
  closeGraceMs?: number;
  /** Private hosts, addresses and ranges providers may be reached at (KEEL_OUTBOUND_ALLOW); "" admits none. */
  outboundAllow?: string;
  /** Ed25519 key spec whose first key also derives the request records' MAC key (KEEL_AUDIT_SIGNING_KEY); null writes no MAC. */
  auditSigningKey?: string | null;
};

export type ResolvedGatewayOptions = Required<GatewayOptions>;

const positiveInt = z.coerce.number().int().min(1);
const envSchema = z.object({
  KEEL_PROVIDER_TIMEOUT_MS: positiveInt.default(60_000),
  KEEL_TENANT_RPM: positiveInt.optional(),
  KEEL_TENANT_TPM: positiveInt.optional(),
  KEEL_HOME: z.string().default(".keel"),
  NEXTAUTH_SECRET: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional(),
  KEEL_OUTBOUND_ALLOW: z.string().optional(),
  KEEL_AUDIT_SIGNING_KEY: z.string().optional(),
});

/** Options merged over the environment; throws naming the variable when one is malformed. */
export function resolveOptions(opts: GatewayOptions, env: NodeJS.ProcessEnv = process.env): ResolvedGatewayOptions {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`The gateway's configuration is invalid:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    providerTimeoutMs: opts.providerTimeoutMs ?? e.KEEL_PROVIDER_TIMEOUT_MS,
    maxRetries: opts.maxRetries ?? 2,
    retryBaseMs: opts.retryBaseMs ?? 250,
    maxRetryWaitMs: opts.maxRetryWaitMs ?? 10_000,
    cacheTtlMs: opts.cacheTtlMs ?? 2_000,
    budgetRefreshMs: opts.budgetRefreshMs ?? 10_000,
    redisUrl: opts.redisUrl === undefined ? (e.REDIS_URL ?? null) : opts.redisUrl,
    redisPrefix: opts.redisPrefix ?? "keel:rl",
    tenantRpm: opts.tenantRpm === undefined ? (e.KEEL_TENANT_RPM ?? null) : opts.tenantRpm,
    tenantTpm: opts.tenantTpm === undefined ? (e.KEEL_TENANT_TPM ?? null) : opts.tenantTpm,
    maxBodyBytes: opts.maxBodyBytes ?? 10 * 1024 * 1024,
    closeGraceMs: opts.closeGraceMs ?? 5_000,
    consoleSecret: opts.consoleSecret === undefined ? (e.NEXTAUTH_SECRET ?? null) : opts.consoleSecret,
    modelsDir: opts.modelsDir ?? path.resolve(e.KEEL_HOME, "models"),
    outboundAllow: opts.outboundAllow ?? e.KEEL_OUTBOUND_ALLOW ?? "",
    auditSigningKey: opts.auditSigningKey === undefined ? (e.KEEL_AUDIT_SIGNING_KEY ?? null) : opts.auditSigningKey,
  };
}
