import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { FAKE_PROVIDER_KEY, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { hashInput } from "./exchange";

useTestDatabase();

const harness = useGatewayHarness();

const priced = { providerModel: "gpt-fake-1", inputPricePerMTok: "2", outputPricePerMTok: "8", params: { temperature: 0.1, top_p: 0.9 } };

describe("chat completions", () => {
  it("answers through the provider, rewrites only `model`, applies version defaults under the body, and records the request", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: priced });
    const body = { model: s.endpoint.name, messages: [{ role: "user" as const, content: "hello there" }], temperature: 0.5 };
    const { data, response } = await harness.gateway.client(s.secret).chat.completions.create(body).withResponse();

    expect(data.choices[0].message.content).toBe("echo: hello there");
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-keel-model-version")).toBe(s.version.id);

    expect(harness.fake.requests).toHaveLength(1);
    expect(harness.fake.requests[0].headers.authorization).toBe(`Bearer ${FAKE_PROVIDER_KEY}`);
    expect(harness.fake.requests[0].body).toEqual({ ...body, model: "gpt-fake-1", top_p: 0.9 });

    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: requestId! } });
    expect(record).toMatchObject({
      tenantId: s.tenant.id,
      apiKeyId: s.key.id,
      endpointId: s.endpoint.id,
      endpointName: s.endpoint.name,
      modelVersionId: s.version.id,
      route: "chat.completions",
      stream: false,
      inputHash: hashInput(body),
      inputTokens: data.usage!.prompt_tokens,
      outputTokens: data.usage!.completion_tokens,
      tokensEstimated: false,
      status: 200,
      errorCode: null,
      attempts: 1,
    });
    expect(Number(record.costUsd)).toBeCloseTo((data.usage!.prompt_tokens * 2 + data.usage!.completion_tokens * 8) / 1e6, 10);
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("uses the caller's x-request-id when it is a sane token, and a new one when it is not", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    const ask = (id: string) =>
      client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }, { headers: { "x-request-id": id } }).withResponse();
    const mine = `trace-${Date.now()}`;
    expect((await ask(mine)).response.headers.get("x-request-id")).toBe(mine);
    expect(await db().requestRecord.count({ where: { id: mine } })).toBe(1);
    // Reusing an id keeps both records.
    await ask(mine);
    expect(await db().requestRecord.count({ where: { id: { startsWith: mine } } })).toBe(2);
    const odd = (await ask("not sane; has spaces")).response.headers.get("x-request-id");
    expect(odd).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("streams chunks as they come, asks the provider for usage, and hides the usage chunk from a caller who did not ask", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: priced });
    const { data: stream, response } = await harness.gateway
      .client(s.secret)
      .chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "one two three" }], stream: true })
      .withResponse();
    let text = "";
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe("echo: one two three");
    expect(sawUsage).toBe(false);
    expect(response.headers.get("x-keel-model-version")).toBe(s.version.id);
    expect(harness.fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true }, model: "gpt-fake-1" });

    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
    // The fake counts words: 3 per message plus the words of its content; the reply "echo: one two three" has 4.
    expect(record).toMatchObject({ stream: true, status: 200, inputTokens: 6, outputTokens: 4, tokensEstimated: false, attempts: 1 });
    expect(record.ttftMs).not.toBeNull();
    expect(Number(record.costUsd)).toBeCloseTo((6 * 2 + 4 * 8) / 1e6, 10);
  });

  it("passes the usage chunk through to a caller who asked for it", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const stream = await harness.gateway.client(s.secret).chat.completions.create({
      model: s.endpoint.name,
      messages: [{ role: "user", content: "count me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
  });

  it("forwards tools, tool_choice, response_format and unknown fields untouched, and returns tool calls", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const body = {
      model: s.endpoint.name,
      messages: [{ role: "user" as const, content: "weather?" }],
      tools,
      tool_choice: "required" as const,
      response_format: { type: "json_object" as const },
      seed: 7,
      metadata: { team: "a" },
    };
    const completion = await harness.gateway.client(s.secret).chat.completions.create(body);
    expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    expect(harness.fake.requests[0].body).toEqual({ ...body, model: "fake-chat" });
  });

  it("counts tokens itself when the provider reports no usage, and says so", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    harness.fake.quirks.omitUsage = true;
    const { response } = await harness.gateway
      .client(s.secret)
      .chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "a".repeat(40) }] })
      .withResponse();
    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: response.headers.get("x-request-id")! } });
    // 40 characters plus 4 for the message is 11 tokens at 4 characters each; "echo: " + 40 is 12.
    expect(record).toMatchObject({ tokensEstimated: true, inputTokens: 11, outputTokens: 12 });
  });
});
