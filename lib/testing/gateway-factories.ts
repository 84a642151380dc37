import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { db } from "@/lib/db/client";
import type { EndpointKind, ProviderKind } from "@/lib/db/generated/enums";
import { createGatewayHandler, type GatewayHandler } from "@/lib/gateway/handler";
import type { GatewayConfig } from "@/lib/gateway/config";
import { generateApiKey } from "@/lib/keys/secret";
import { encryptSecret, providerKeyBinding } from "@/lib/secrets/secrets";
import { seedTenant, unique } from "./factories";
import { FAKE_UPSTREAM_ALLOW, startFakeOpenAI, type FakeOpenAI } from "./fake-openai";


/** A provider of the tenant; the API key is sealed as the console would seal it, bound to the new row. */
export async function seedProvider(tenant: { id: string }, opts: { baseUrl?: string; apiKey?: string | null; kind?: ProviderKind } = {}) {
  const kind = opts.kind ?? "OPENAI_COMPATIBLE";
  const provider = await db().provider.create({
    data: {
      tenantId: tenant.id,
      name: `provider-${unique()}`,
      kind,
      baseUrl: kind === "BUILTIN" ? null : (opts.baseUrl ?? "http://127.0.0.1:9/v1"),
    },
  });
  if (!opts.apiKey) return provider;
  return db().provider.update({ where: { id: provider.id }, data: { apiKeySealed: encryptSecret(opts.apiKey, providerKeyBinding(provider)) } });
}

export type SeedEndpointOptions = {
  name?: string;
  kind?: EndpointKind;
  providerModel?: string;
  label?: string;
  params?: Record<string, unknown>;
  inputPricePerMTok?: string;
  outputPricePerMTok?: string;
  disabled?: boolean;
};

/** An endpoint with one version, made active. */
export async function seedEndpoint(tenant: { id: string }, provider: { id: string }, opts: SeedEndpointOptions = {}) {
  return db().$transaction(async (tx) => {
    const endpoint = await tx.endpoint.create({
      data: { tenantId: tenant.id, name: opts.name ?? `ep-${unique()}`, kind: opts.kind ?? "CHAT", disabledAt: opts.disabled ? new Date() : null },
    });
    const version = await tx.modelVersion.create({
      data: {
        tenantId: tenant.id,
        endpointId: endpoint.id,
        label: opts.label ?? "v1",
        providerId: provider.id,
        providerModel: opts.providerModel ?? "fake-chat",
        params: (opts.params ?? {}) as object,
        inputPricePerMTok: opts.inputPricePerMTok ?? "0",
        outputPricePerMTok: opts.outputPricePerMTok ?? "0",
      },
    });
    const active = await tx.endpoint.update({ where: { id: endpoint.id }, data: { activeVersionId: version.id } });
    return { endpoint: active, version };
  });
}

/** An API key of the tenant and its secret, which only the caller ever sees. */
export async function seedApiKey(
  tenant: { id: string },
  opts: {
    name?: string;
    allowedEndpoints?: string[];
    requestsPerMinute?: number;
    tokensPerMinute?: number;
    expiresAt?: Date;
    revokedAt?: Date;
    lastUsedAt?: Date;
    createdAt?: Date;
    monthlyBudgetUsd?: string;
    budgetMode?: "SOFT" | "HARD";
  } = {},
) {
  const { secret, secretHash, prefix } = generateApiKey();
  const key = await db().apiKey.create({
    data: { ...opts, tenantId: tenant.id, name: opts.name ?? `key-${unique()}`, prefix, secretHash, allowedEndpoints: opts.allowedEndpoints ?? [] },
  });
  return { key, secret };
}

export type TestGateway = { url: string; handler: GatewayHandler; client: (apiKey: string, opts?: { maxRetries?: number }) => OpenAI; close: () => Promise<void> };

/** What server.ts would pass, from the test environment (lib/testing/db.ts sets the keys). */
export function testGatewayConfig(): GatewayConfig {
  return {
    masterKey: process.env.KEEL_MASTER_KEY!,
    consoleSecret: process.env.NEXTAUTH_SECRET ?? null,
    modelsDir: path.resolve(process.env.KEEL_HOME ?? ".keel", "models"),
    auditSigningKey: process.env.KEEL_AUDIT_SIGNING_KEY ?? null,
    redisUrl: null,
    retryBaseMs: 20,
    outboundAllow: FAKE_UPSTREAM_ALLOW,
  };
}

/**
 * Keel's gateway handler on a real loopback server, as server.ts mounts it, without Next. Its
 * outbound policy admits 127.0.0.1, where the tests' fake providers listen, unless told otherwise.
 */
export async function startTestGateway(opts: Partial<GatewayConfig> = {}): Promise<TestGateway> {
  const handler = createGatewayHandler({ ...testGatewayConfig(), ...opts });
  await handler.ready();
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  return {
    url,
    handler,
    client: (apiKey, o = {}) => new OpenAI({ baseURL: url, apiKey, maxRetries: o.maxRetries ?? 0, timeout: 20_000 }),
    close: async () => {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One gateway for the whole test file, with its error log kept out of the output (and readable as
 * `errors`), and a fetch of a prompt through it with an API key: the prompt-integrity tests' setup.
 */
export function usePromptGateway(opts: Partial<GatewayConfig> = {}) {
  let gw: TestGateway;
  const errors = vi.spyOn(console, "error").mockImplementation(() => {});
  beforeAll(async () => {
    gw = await startTestGateway(opts);
  });
  afterAll(async () => {
    await gw?.close();
    errors.mockRestore();
  });
  const fetchPrompt = async (secret: string, path: string) => {
    const res = await fetch(`${gw.url}/prompts/${path}`, { headers: { authorization: `Bearer ${secret}` } });
    return { status: res.status, body: await res.json() };
  };
  return { errors, fetchPrompt };
}

/** A tenant with a provider at `baseUrl`, one endpoint and one key: the usual starting point. */
export async function seedGatewayTenant(
  baseUrl: string,
  opts: { endpoint?: SeedEndpointOptions; key?: Parameters<typeof seedApiKey>[1]; providerApiKey?: string; monthlyBudgetUsd?: string } = {},
) {
  const tenant = await seedTenant({ monthlyBudgetUsd: opts.monthlyBudgetUsd });
  const provider = await seedProvider(tenant, { baseUrl, apiKey: opts.providerApiKey ?? FAKE_PROVIDER_KEY });
  const { endpoint, version } = await seedEndpoint(tenant, provider, opts.endpoint);
  const { key, secret } = await seedApiKey(tenant, opts.key);
  return { tenant, provider, endpoint, version, key, secret };
}

/** The key the fake provider expects when started with it. */
export const FAKE_PROVIDER_KEY = "sk-fake-provider-key";

/**
 * A fake provider and a test gateway for one test file: started before its tests, closed after
 * them, the fake's requests and faults forgotten before each test.
 */
export function useGatewayHarness(opts: Partial<GatewayConfig> = {}): { fake: FakeOpenAI; gateway: TestGateway } {
  const harness = {} as { fake: FakeOpenAI; gateway: TestGateway };
  beforeAll(async () => {
    harness.fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
    harness.gateway = await startTestGateway(opts);
  });
  afterAll(async () => {
    await harness.gateway?.close();
    await harness.fake?.close();
  });
  beforeEach(() => harness.fake.reset());
  return harness;
}
