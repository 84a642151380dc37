import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedApiKey, seedEndpoint, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

const embeddingsEndpoint = { kind: "EMBEDDINGS" as const, providerModel: "fake-embed", inputPricePerMTok: "0.5" };

describe("embeddings", () => {
  it("returns floats when asked for floats, and records the usage", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: embeddingsEndpoint });
    const { data, response } = await harness.gateway
      .client(s.secret)
      .embeddings.create({ model: s.endpoint.name, input: ["alpha beta", "gamma"], encoding_format: "float" })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0].embedding).toHaveLength(8);
    expect(typeof data.data[0].embedding[0]).toBe("number");
    expect(harness.fake.requests[0].body).toMatchObject({ model: "fake-embed", encoding_format: "float", input: ["alpha beta", "gamma"] });
    expect(response.headers.get("x-keel-model-version")).toBe(s.version.id);
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
    expect(record).toMatchObject({ route: "embeddings", status: 200, inputTokens: 3, outputTokens: 0, tokensEstimated: false, endpointId: s.endpoint.id });
    expect(Number(record.costUsd)).toBeCloseTo((3 * 0.5) / 1e6, 10);
  });

  it("forwards the client's default base64 and hands back the same vectors", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: embeddingsEndpoint });
    const client = harness.gateway.client(s.secret);
    const floats = await client.embeddings.create({ model: s.endpoint.name, input: "same text", encoding_format: "float" });
    const viaBase64 = await client.embeddings.create({ model: s.endpoint.name, input: "same text" });
    expect(harness.fake.requests[1].body).toMatchObject({ encoding_format: "base64" });
    expect(viaBase64.data[0].embedding).toEqual(floats.data[0].embedding);
  });

  it("converts to base64 when the provider ignored encoding_format", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: embeddingsEndpoint });
    const client = harness.gateway.client(s.secret);
    const floats = await client.embeddings.create({ model: s.endpoint.name, input: "some text", encoding_format: "float" });
    harness.fake.quirks.ignoreBase64 = true;
    const viaBase64 = await client.embeddings.create({ model: s.endpoint.name, input: "some text" });
    expect(viaBase64.data[0].embedding).toEqual(floats.data[0].embedding);

    const raw = await fetch(`${harness.gateway.url}/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: s.endpoint.name, input: "some text", encoding_format: "base64" }),
    });
    const body = await raw.json();
    expect(typeof body.data[0].embedding).toBe("string");
  });

  it("refuses a malformed input with 400 naming it", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: embeddingsEndpoint });
    const error = await harness.gateway.client(s.secret).embeddings.create({ model: s.endpoint.name, input: [{ text: "x" }] } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).param).toMatch(/^input/);
  });
});

describe("models", () => {
  it("lists the enabled endpoints the key may use, in OpenAI's list shape", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { name: `chat-${Date.now()}` } });
    const embed = await seedEndpoint(s.tenant, s.provider, { kind: "EMBEDDINGS" });
    const off = await seedEndpoint(s.tenant, s.provider, { disabled: true });
    const stranger = await seedGatewayTenant(harness.fake.baseUrl);

    const { data, response } = await harness.gateway.client(s.secret).models.list().withResponse();
    const ids = data.data.map((m) => m.id);
    expect(ids.sort()).toEqual([s.endpoint.name, embed.endpoint.name].sort());
    expect(ids).not.toContain(off.endpoint.name);
    expect(ids).not.toContain(stranger.endpoint.name);
    expect(data.data[0]).toMatchObject({ object: "model", owned_by: s.tenant.slug, created: expect.any(Number) });
    expect(await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } })).toMatchObject({ route: "models", status: 200 });

    const limited = await seedApiKey(s.tenant, { allowedEndpoints: [embed.endpoint.name] });
    const seen = await harness.gateway.client(limited.secret).models.list();
    expect(seen.data.map((m) => m.id)).toEqual([embed.endpoint.name]);
  });

  it("retrieves one model on the same terms as calling it", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    await expect(client.models.retrieve(s.endpoint.name)).resolves.toMatchObject({ id: s.endpoint.name, object: "model" });
    const other = await seedGatewayTenant(harness.fake.baseUrl);
    await expect(client.models.retrieve(other.endpoint.name)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
