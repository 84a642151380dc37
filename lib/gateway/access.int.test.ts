import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedApiKey, seedEndpoint, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi" }] });

async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("who may call", () => {
  it("refuses a missing, unknown, revoked or expired key with 401 invalid_api_key, in OpenAI's error shape", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const revoked = await seedApiKey(s.tenant, { revokedAt: new Date() });
    const expired = await seedApiKey(s.tenant, { expiresAt: new Date(Date.now() - 1000) });
    for (const secret of ["keel_not-a-real-key", "sk-some-openai-key", revoked.secret, expired.secret]) {
      const error = await caught(harness.gateway.client(secret).chat.completions.create(hi(s.endpoint.name)));
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.code).toBe("invalid_api_key");
      expect(error.type).toBe("authentication_error");
      expect(error.headers?.get("x-request-id")).toBeTruthy();
    }
    const bare = await fetch(`${harness.gateway.url}/chat/completions`, { method: "POST", body: JSON.stringify(hi(s.endpoint.name)) });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ error: { message: expect.stringContaining("API key"), type: "authentication_error", param: null, code: "invalid_api_key" } });
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("notices a revocation within the cache's TTL, with no broadcast", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    await client.chat.completions.create(hi(s.endpoint.name));
    await db().apiKey.update({ where: { id: s.key.id }, data: { revokedAt: new Date() } });
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await caught(client.chat.completions.create(hi(s.endpoint.name)))).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("marks the key as used shortly after, off the response path", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name));
    let lastUsedAt: Date | null = null;
    for (let i = 0; i < 60 && !lastUsedAt; i++) {
      lastUsedAt = (await db().apiKey.findUniqueOrThrow({ where: { id: s.key.id } })).lastUsedAt;
      if (!lastUsedAt) await new Promise((r) => setTimeout(r, 50));
    }
    expect(lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses the keys of a suspended tenant with 403", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    await db().tenant.update({ where: { id: s.tenant.id }, data: { status: "SUSPENDED" } });
    const error = await caught(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe("tenant_suspended");
  });

  it("answers 404 model_not_found for an unknown model and for another tenant's endpoint, and records it under the caller's tenant", async () => {
    const a = await seedGatewayTenant(harness.fake.baseUrl);
    const b = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(b.secret);
    const unknown = await caught(client.chat.completions.create(hi("no-such-model")));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.code).toBe("model_not_found");

    // Tenant A's endpoint name, asked for with tenant B's key.
    const foreign = await caught(client.chat.completions.create(hi(a.endpoint.name)));
    expect(foreign).toBeInstanceOf(OpenAI.NotFoundError);
    expect(harness.fake.requests).toHaveLength(0);
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: foreign.headers!.get("x-request-id")! } });
    expect(record).toMatchObject({ tenantId: b.tenant.id, apiKeyId: b.key.id, endpointName: a.endpoint.name, endpointId: null, status: 404, errorCode: "model_not_found", attempts: 0 });
    expect(await db().requestRecord.count({ where: { tenantId: a.tenant.id } })).toBe(0);
  });

  it("answers 404 for a disabled endpoint and for the wrong kind of endpoint", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { disabled: true } });
    const embeddings = await seedEndpoint(s.tenant, s.provider, { kind: "EMBEDDINGS" });
    const client = harness.gateway.client(s.secret);
    const disabled = await caught(client.chat.completions.create(hi(s.endpoint.name)));
    expect(disabled).toBeInstanceOf(OpenAI.NotFoundError);
    expect(disabled.message).toMatch(/disabled/);
    const wrongKind = await caught(client.chat.completions.create(hi(embeddings.endpoint.name)));
    expect(wrongKind).toBeInstanceOf(OpenAI.NotFoundError);
    expect(wrongKind.message).toMatch(/does not support chat/);
    expect(await caught(client.embeddings.create({ model: s.endpoint.name, input: "x" }))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("answers a key limited to other endpoints 404 model_not_found, in the very words an unknown model gets, as OpenAI does", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const other = await seedEndpoint(s.tenant, s.provider);
    const limited = await seedApiKey(s.tenant, { allowedEndpoints: [other.endpoint.name] });
    const client = harness.gateway.client(limited.secret);
    const error = await caught(client.chat.completions.create(hi(s.endpoint.name)));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe("model_not_found");
    expect(error.message).toContain(`The model \`${s.endpoint.name}\` does not exist or you do not have access to it.`);
    const unknown = await caught(client.chat.completions.create(hi("no-such-model")));
    expect(unknown.message.replace("no-such-model", s.endpoint.name)).toBe(error.message);
    // GET /models/{id} answers the same.
    const retrieved = await caught(client.models.retrieve(s.endpoint.name));
    expect(retrieved).toBeInstanceOf(OpenAI.NotFoundError);
    expect(retrieved.message).toBe(error.message);
    await expect(client.models.retrieve(other.endpoint.name)).resolves.toMatchObject({ id: other.endpoint.name });
    await expect(client.chat.completions.create(hi(other.endpoint.name))).resolves.toMatchObject({ object: "chat.completion" });
    expect(harness.fake.requests).toHaveLength(1);
  });

  it("answers 400 naming the bad field before anything else, and changes nothing", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    const before = await db().requestRecord.count();
    const missing = await caught(client.chat.completions.create({ model: s.endpoint.name } as never));
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing.message).toContain("Missing required parameter: 'messages'");
    expect(missing.param).toBe("messages");
    const badRole = await caught(client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "wizard", content: "x" }] } as never));
    expect(badRole.param).toBe("messages[0].role");
    expect(badRole.message).toContain("'messages[0].role'");
    const badTemp = await caught(client.chat.completions.create({ ...hi(s.endpoint.name), temperature: "hot" } as never));
    expect(badTemp.param).toBe("temperature");
    // With a bad key the body is never looked at: the key comes first.
    const badKeyBadBody = await caught(harness.gateway.client("keel_nope").embeddings.create({ model: "x" } as never));
    expect(badKeyBadBody).toBeInstanceOf(OpenAI.AuthenticationError);
    const notJson = await fetch(`${harness.gateway.url}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${s.secret}` }, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.type).toBe("invalid_request_error");
    expect(await db().requestRecord.count()).toBe(before);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("answers unknown URLs and wrong methods in OpenAI's shape", async () => {
    const unknown = await fetch(`${harness.gateway.url}/completions/legacy`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-request-id")).toBeTruthy();
    expect((await unknown.json()).error).toMatchObject({ type: "invalid_request_error", code: "unknown_url" });
    const wrong = await fetch(`${harness.gateway.url}/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});
