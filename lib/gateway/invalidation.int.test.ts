import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { activateVersion, updateEndpoint } from "@/lib/endpoints/actions";
import { revokeApiKey } from "@/lib/keys/actions";
import { updateProvider } from "@/lib/providers/actions";
import { setTenantStatus } from "@/lib/tenancy/admin-actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedUser } from "@/lib/testing/factories";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { FAKE_PROVIDER_KEY, seedApiKey, seedGatewayTenant, startTestGateway, type TestGateway } from "@/lib/testing/gateway-factories";
import { inAnotherProcess } from "@/lib/testing/invalidation";
import { onInvalidation, type Invalidation } from "./invalidation";
import { invalidationChannel } from "./invalidation-link";

useTestDatabase();

const REDIS_URL = "redis://127.0.0.1:6379";
// Far longer than any test here: only an invalidation can explain a refusal.
const LONG_TTL_MS = 60_000;

const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi" }] });

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
});
afterAll(() => fake?.close());

/** The call's failure, or null when it was answered. */
async function outcome(gw: TestGateway, secret: string, model: string): Promise<InstanceType<typeof OpenAI.APIError> | null> {
  try {
    await gw.client(secret).chat.completions.create(hi(model));
    return null;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
}

/** Calls until a call fails and returns that failure; gives up after `deadlineMs`, a generous bound. */
async function untilRefused(gw: TestGateway, secret: string, model: string, deadlineMs = 5_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const error = await outcome(gw, secret, model);
    if (error) return error;
    if (Date.now() > deadline) throw new Error(`still answered ${deadlineMs} ms after the change`);
    await sleep(10);
  }
}

describe("two instances on Redis", () => {
  const prefix = `keel-test:${crypto.randomUUID()}`;
  const config = { redisUrl: REDIS_URL, redisPrefix: prefix, cacheTtlMs: LONG_TTL_MS };
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    a = await startTestGateway(config);
    // B stands for an instance in another process: the console's changes reach it only through Redis.
    b = await inAnotherProcess(() => startTestGateway(config));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("refuses a key revoked in the console on the other instance too", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const { user } = await seedMember(s.tenant, "ADMIN");
    // Both instances now hold the key in their caches.
    expect(await outcome(a, s.secret, s.endpoint.name)).toBeNull();
    expect(await outcome(b, s.secret, s.endpoint.name)).toBeNull();

    expect(await revokeApiKey.runAs(callerFor(user), { tenant: s.tenant.slug, apiKeyId: s.key.id })).toMatchObject({ ok: true });
    // The console's own instance dropped it before the action returned.
    expect(await outcome(a, s.secret, s.endpoint.name)).toBeInstanceOf(OpenAI.AuthenticationError);
    const onB = await untilRefused(b, s.secret, s.endpoint.name);
    expect(onB).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(onB.message).toMatch(/revoked/);
  });

  it("ignores malformed messages on the channel, and goes on applying well-formed ones", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const other = await seedApiKey(s.tenant);
    expect(await outcome(b, s.secret, s.endpoint.name)).toBeNull();
    expect(await outcome(b, other.secret, s.endpoint.name)).toBeNull();
    // Revoked behind the gateways' backs: B notices before its TTL only if a message tells it.
    await db().apiKey.updateMany({ where: { tenantId: s.tenant.id }, data: { revokedAt: new Date() } });

    const named = { kind: "key", tenantId: s.tenant.id, keyId: s.key.id };
    const publisher = new Redis(REDIS_URL);
    try {
      for (const junk of [
        "not json",
        "null",
        "[]",
        '"key"',
        "{}",
        JSON.stringify({ ...named, kind: "keys" }),
        JSON.stringify({ ...named, keyId: 42 }),
        JSON.stringify({ kind: "key", tenantId: s.tenant.id }),
        // Well-formed, but longer than any real message: refused before it is parsed.
        JSON.stringify(named) + " ".repeat(2_000),
      ]) {
        await publisher.publish(invalidationChannel(prefix), junk);
      }
      // Delivered in order: once B has applied this one, it has seen every message above.
      await publisher.publish(invalidationChannel(prefix), JSON.stringify({ kind: "key", tenantId: s.tenant.id, keyId: other.key.id }));
    } finally {
      publisher.disconnect();
    }
    expect(await untilRefused(b, other.secret, s.endpoint.name)).toBeInstanceOf(OpenAI.AuthenticationError);
    // No malformed message dropped the first key: B still answers it from its cache.
    expect(await outcome(b, s.secret, s.endpoint.name)).toBeNull();
  });
});

describe("one instance, no Redis", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ cacheTtlMs: LONG_TTL_MS });
  });
  afterAll(() => gw?.close());

  it("refuses an endpoint disabled in the console at once", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const { user } = await seedMember(s.tenant, "ADMIN");
    expect(await outcome(gw, s.secret, s.endpoint.name)).toBeNull();
    const disabled = await updateEndpoint.runAs(callerFor(user), { tenant: s.tenant.slug, endpointId: s.endpoint.id, enabled: "false" });
    expect(disabled).toMatchObject({ ok: true });
    const error = await outcome(gw, s.secret, s.endpoint.name);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error?.code).toBe("model_not_found");
  });

  it("sends a provider's new API key from the next call on", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const { user } = await seedMember(s.tenant, "ADMIN");
    expect(await outcome(gw, s.secret, s.endpoint.name)).toBeNull();
    const updated = await updateProvider.runAs(callerFor(user), { tenant: s.tenant.slug, providerId: s.provider.id, apiKey: "sk-rotated" });
    expect(updated).toMatchObject({ ok: true });
    // The fake expects the old key, so the call fails; what matters is the key it was sent.
    await outcome(gw, s.secret, s.endpoint.name);
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer sk-rotated");
  });

  it("refuses a tenant's keys as soon as a platform admin suspends it", async () => {
    const s = await seedGatewayTenant(fake.baseUrl);
    const admin = await seedUser({ isPlatformAdmin: true });
    expect(await outcome(gw, s.secret, s.endpoint.name)).toBeNull();
    expect(await setTenantStatus.runAs(callerFor(admin), { tenantId: s.tenant.id, status: "SUSPENDED" })).toMatchObject({ ok: true });
    const error = await outcome(gw, s.secret, s.endpoint.name);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error?.code).toBe("tenant_suspended");
  });

  it("announces only what committed: an action that fails after naming its change sends nothing", async () => {
    const seen: Invalidation[] = [];
    const stop = onInvalidation((change) => seen.push(change));
    try {
      const s = await seedGatewayTenant(fake.baseUrl);
      const { user } = await seedMember(s.tenant, "ADMIN");
      // The endpoint is loaded (and its change named) before the action finds the version already active.
      const refused = await activateVersion.runAs(callerFor(user), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionId: s.version.id });
      expect(refused).toMatchObject({ ok: false, error: /already active/ });
      expect(seen).toEqual([]);
      await revokeApiKey.runAs(callerFor(user), { tenant: s.tenant.slug, apiKeyId: s.key.id });
      expect(seen).toEqual([{ kind: "key", tenantId: s.tenant.id, keyId: s.key.id }]);
    } finally {
      stop();
    }
  });
});
