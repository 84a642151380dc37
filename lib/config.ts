import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { GatewayConfig } from "@/lib/gateway/config";
import { otlpTracesUrl, parseOtlpHeaders } from "@/lib/monitoring/telemetry/config";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  KEEL_PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  KEEL_HOME: z.string().default(".keel"),
  KEEL_DATA_DIR: z.string().optional(),
  KEEL_MASTER_KEY: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  KEEL_SEED: z.enum(["true", "false"]).default("true"),
  KEEL_TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  KEEL_OUTBOUND_ALLOW: z.string().optional(),
  KEEL_AUDIT_SIGNING_KEY: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional(),
  KEEL_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1).default(60_000),
  KEEL_TENANT_RPM: z.coerce.number().int().min(1).optional(),
  KEEL_TENANT_TPM: z.coerce.number().int().min(1).optional(),
  KEEL_CONSOLE_PROCESS: z.enum(["separate", "shared"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .transform((text, ctx) => parseOtlpHeaders(text) ?? (ctx.addIssue({ code: "custom", message: "must be key=value pairs, comma-separated, values percent-encoded" }), z.NEVER))
    .optional(),
  OTEL_SERVICE_NAME: z.string().default("keel"),
  KEEL_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  KEEL_ROLLOUT_CHECK_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
});

/** Keel's settings, read once from the environment (see the README's table). */
export type KeelConfig = {
  port: number;
  host: string;
  publicUrl: string;
  home: string;
  databaseUrl?: string;
  dataDir: string;
  masterKey: string;
  authSecret: string;
  seed: boolean;
  /** Take the client address from the rightmost X-Forwarded-For hop (behind the operator's own proxy). */
  trustProxy: boolean;
  /** OIDC_ISSUER, when single sign-on is on. */
  oidcIssuer: string | null;
  /** KEEL_OUTBOUND_ALLOW: hosts, addresses and CIDR ranges outbound calls may reach although private. */
  outboundAllow: string;
  /** `keyId:base64-32-byte-seed[,older…]`: Ed25519 keys that sign audit chain heads (first signs, all verify). */
  auditSigningKey: string;
  /** REDIS_URL: limits and cache invalidation shared by several instances. */
  redisUrl: string | null;
  providerTimeoutMs: number;
  tenantRpm: number | null;
  tenantTpm: number | null;
  /**
   * Where the gateway's spans go (OTLP/HTTP): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else
   * OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces; null exports none.
   */
  otlpTracesUrl: string | null;
  /** OTEL_EXPORTER_OTLP_HEADERS, parsed. */
  otlpHeaders: Record<string, string>;
  /** OTEL_SERVICE_NAME: the spans' service.name. */
  otelServiceName: string;
  /** KEEL_METRICS_TOKEN: the bearer token /api/metrics asks for; null serves no metrics. */
  metricsToken: string | null;
  /**
   * KEEL_CONSOLE_PROCESS: `separate` runs the console (Next) in a child process of its own, so that
   * its rendering never slows the gateway; the default with DATABASE_URL. The embedded database
   * serves one connection to one process, so there it is always `shared`.
   */
  consoleProcess: "separate" | "shared";
  /** KEEL_ROLLOUT_CHECK_SECONDS: how often rollout guards are checked (a breach rolls back within one). */
  rolloutCheckMs: number;
  /** What Keel generated on this start and the operator should know about. */
  notices: string[];
};

/** Reads the environment; on first start generates the master key and session secret into KEEL_HOME. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): KeelConfig {
  // An empty variable means unset, as in most shells' `VAR= command`.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Keel's configuration is invalid:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.KEEL_CONSOLE_PROCESS === "separate" && !e.DATABASE_URL) {
    throw new Error(
      "Keel's configuration is invalid:\n  KEEL_CONSOLE_PROCESS: `separate` needs DATABASE_URL; the embedded database serves one process (unset it, or set DATABASE_URL)",
    );
  }
  const home = path.resolve(e.KEEL_HOME);
  const notices: string[] = [];
  const masterKey = e.KEEL_MASTER_KEY ?? localSecret(home, "master.key", notices, "encryption master key");
  const authSecret = e.NEXTAUTH_SECRET ?? localSecret(home, "session.secret", notices, "session signing secret");
  const auditSigningKey = e.KEEL_AUDIT_SIGNING_KEY ?? localSecret(home, "audit-signing.key", notices, "audit signing key (Ed25519)");
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.KEEL_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    home,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.KEEL_DATA_DIR ?? path.join(home, "data")),
    masterKey,
    authSecret,
    seed: e.KEEL_SEED === "true",
    trustProxy: e.KEEL_TRUST_PROXY === "true",
    oidcIssuer: e.OIDC_ISSUER ?? null,
    outboundAllow: e.KEEL_OUTBOUND_ALLOW ?? "",
    auditSigningKey,
    redisUrl: e.REDIS_URL ?? null,
    providerTimeoutMs: e.KEEL_PROVIDER_TIMEOUT_MS,
    tenantRpm: e.KEEL_TENANT_RPM ?? null,
    tenantTpm: e.KEEL_TENANT_TPM ?? null,
    otlpTracesUrl: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? otlpTracesUrl(e.OTEL_EXPORTER_OTLP_ENDPOINT) : null),
    otlpHeaders: e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
    otelServiceName: e.OTEL_SERVICE_NAME,
    metricsToken: e.KEEL_METRICS_TOKEN ?? null,
    consoleProcess: e.KEEL_CONSOLE_PROCESS ?? (e.DATABASE_URL ? "separate" : "shared"),
    rolloutCheckMs: e.KEEL_ROLLOUT_CHECK_SECONDS * 1000,
    notices,
  };
}

/** The gateway's share of the configuration, as values. */
export function gatewayConfig(config: KeelConfig): GatewayConfig {
  return {
    masterKey: config.masterKey,
    consoleSecret: config.authSecret,
    modelsDir: path.join(config.home, "models"),
    auditSigningKey: config.auditSigningKey,
    outboundAllow: config.outboundAllow,
    redisUrl: config.redisUrl,
    tenantRpm: config.tenantRpm,
    tenantTpm: config.tenantTpm,
    providerTimeoutMs: config.providerTimeoutMs,
    telemetry:
      config.otlpTracesUrl || config.metricsToken
        ? { otlpTracesUrl: config.otlpTracesUrl, otlpHeaders: config.otlpHeaders, serviceName: config.otelServiceName, metricsToken: config.metricsToken }
        : null,
  };
}

function localSecret(home: string, file: string, notices: string[], what: string): string {
  const full = path.join(home, file);
  if (fs.existsSync(full)) return fs.readFileSync(full, "utf8").trim();
  fs.mkdirSync(home, { recursive: true });
  const value = `k1:${crypto.randomBytes(32).toString("base64")}`;
  fs.writeFileSync(full, `${value}\n`, { mode: 0o600 });
  notices.push(`Generated the ${what} in ${full}. Back it up; set it by environment variable for several instances.`);
  return value;
}
