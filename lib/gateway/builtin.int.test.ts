import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { BUILTIN_CHAT_MODEL, BUILTIN_EMBEDDING_MODEL } from "@/lib/providers/builtin/catalog";
import { cosineSimilarity as cosine } from "@/lib/vectors/cosine";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { seedApiKey, seedEndpoint, seedProvider, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

/** A tenant whose built-in provider serves one chat and one embeddings endpoint. */
async function seedBuiltinTenant() {
  const tenant = await seedTenant();
  const provider = await seedProvider(tenant, { kind: "BUILTIN" });
  const chat = await seedEndpoint(tenant, provider, { name: "demo-chat", providerModel: BUILTIN_CHAT_MODEL, outputPricePerMTok: "1" });
  const embed = await seedEndpoint(tenant, provider, { name: "demo-embed", kind: "EMBEDDINGS", providerModel: BUILTIN_EMBEDDING_MODEL });
  const { secret } = await seedApiKey(tenant);
  return { tenant, chat, embed, client: harness.gateway.client(secret) };
}

describe("built-in models, offline and in-process", { timeout: 180_000 }, () => {
  it("streams a chat answer from TinyLlama through the unchanged openai client, and records it", async () => {
    const s = await seedBuiltinTenant();
    const { data: stream, response } = await s.client.chat.completions
      .create({ model: "demo-chat", messages: [{ role: "user", content: "What is the capital of France?" }], stream: true, max_tokens: 40 })
      .withResponse();
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toMatch(/Paris/);
    expect(finish).toBe("stop");
    expect(response.headers.get("x-keel-model-version")).toBe(s.chat.version.id);

    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
    expect(record).toMatchObject({ status: 200, stream: true, tokensEstimated: false, modelVersionId: s.chat.version.id });
    expect(record.inputTokens).toBeGreaterThan(5);
    expect(record.outputTokens).toBeGreaterThan(2);
    expect(record.ttftMs).not.toBeNull();
    expect(Number(record.costUsd)).toBeCloseTo(record.outputTokens / 1e6, 12);
  });

  it("answers plain requests with OpenAI's shape and stops at max_tokens", async () => {
    const s = await seedBuiltinTenant();
    const answer = await s.client.chat.completions.create({
      model: "demo-chat",
      messages: [{ role: "system", content: "You are terse." }, { role: "user", content: "Count from one to fifty in words." }],
      max_tokens: 6,
    });
    expect(answer.object).toBe("chat.completion");
    expect(answer.choices[0].finish_reason).toBe("length");
    expect(answer.choices[0].message.content).not.toBe("");
    expect(answer.usage?.completion_tokens).toBe(6);
  });

  it("stops generating when the caller leaves mid-answer, and records that, not a success", async () => {
    const s = await seedBuiltinTenant();
    const { secret } = await seedApiKey(s.tenant);
    const leave = new AbortController();
    const res = await fetch(`${harness.gateway.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content: "Tell a long story about a ship." }], stream: true, max_tokens: 400 }),
      signal: leave.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    leave.abort();
    const id = res.headers.get("x-request-id")!;
    await expect.poll(async () => (await db().requestRecord.findUnique({ where: { id } }))?.status, { timeout: 30_000 }).toBe(499);
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id } });
    expect(record.outputTokens).toBeLessThan(400);
  });

  it("says plainly what the tiny model cannot do", async () => {
    const s = await seedBuiltinTenant();
    const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: {} } } }];
    const error = await s.client.chat.completions
      .create({ model: "demo-chat", messages: [{ role: "user", content: "hi" }], tools })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/does not support tools/);
  });

  it("refuses a version that names a model the built-in provider does not have", async () => {
    const s = await seedBuiltinTenant();
    const provider = await db().provider.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const { endpoint } = await seedEndpoint(s.tenant, provider, { providerModel: "gpt-4o" });
    const error = await s.client.chat.completions.create({ model: endpoint.name, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toMatch(/no chat model `gpt-4o`/);
  });

  it("embeds text in 512 dimensions and ranks a paraphrase above unrelated text", async () => {
    const s = await seedBuiltinTenant();
    const { data, response } = await s.client.embeddings
      .create({
        model: "demo-embed",
        input: ["How do I reset my password?", "What are the steps to change my password?", "The harvest was late this year because of the rain."],
        encoding_format: "float",
      })
      .withResponse();
    const [query, paraphrase, unrelated] = data.data.map((d) => d.embedding);
    expect(query).toHaveLength(512);
    expect(cosine(query, paraphrase)).toBeGreaterThan(cosine(query, unrelated) + 0.2);

    // The client's default (base64) decodes to the same vectors.
    const viaBase64 = await s.client.embeddings.create({ model: "demo-embed", input: "How do I reset my password?" });
    expect(viaBase64.data[0].embedding.map((x) => Math.fround(x))).toEqual(query.map((x) => Math.fround(x)));

    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
    expect(record).toMatchObject({ route: "embeddings", status: 200, tokensEstimated: false });
    expect(record.inputTokens).toBeGreaterThan(10);
  });
});
