import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { readChatStream } from "@/lib/endpoints/chat-stream-reader";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { mintConsoleToken } from "@/lib/gateway/console-token";
import { fieldErrorsOf } from "@/lib/tenancy/result";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember } from "@/lib/testing/factories";
import { seedEndpoint, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { findPlaygroundRun, findRunTarget } from "./data";
import { runPlayground } from "./run";
import { playgroundRunSchema, type PlaygroundRun } from "./schemas";

useTestDatabase();

const SECRET = "playground-test-secret-playground-test";
const harness = useGatewayHarness({ consoleSecret: SECRET });

/** An endpoint whose active version is v1, with a second version v2 that is not active. */
async function seedTwoVersions() {
  publishConsoleGateway({ url: harness.gateway.url.replace(/\/api\/v1$/, ""), secret: SECRET });
  const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { outputPricePerMTok: "2" } });
  const v2 = await db().modelVersion.create({
    data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "v2", providerId: s.provider.id, providerModel: "fake-chat-2", outputPricePerMTok: "4" },
  });
  const { user } = await seedMember(s.tenant, "DEVELOPER");
  return { ...s, v2, user, who: { tenantId: s.tenant.id, userId: user.id } };
}

const run = (input: unknown): PlaygroundRun => playgroundRunSchema.parse(input);

describe("playground runs through the gateway", () => {
  it("runs the version the user picked, not the active one, and records it against the user", async () => {
    const s = await seedTwoVersions();
    const target = await findRunTarget(s.who, s.endpoint.id, s.v2.id);
    expect(target).not.toBeNull();
    const res = await runPlayground(
      s.who,
      { endpointName: s.endpoint.name, versionId: target!.versionId },
      run({ endpointId: s.endpoint.id, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello there" }], params: { temperature: 0.2, top_p: 0.9, max_tokens: 30, stop: ["END"], seed: 7, response_format: { type: "json_object" } } }),
      AbortSignal.timeout(10_000),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-keel-model-version")).toBe(s.v2.id);
    let text = "";
    await readChatStream(res.body!, (t) => (text += t), performance.now());
    expect(text).toBe("echo: hello there");
    expect(harness.fake.requests.at(-1)?.body).toMatchObject({
      model: "fake-chat-2",
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 30,
      stop: ["END"],
      seed: 7,
      response_format: { type: "json_object" },
      stream_options: { include_usage: true },
    });

    const figures = await findPlaygroundRun(s.who, res.headers.get("x-request-id")!);
    expect(figures).toMatchObject({ status: 200, version: { id: s.v2.id, label: "v2" }, endpointName: s.endpoint.name, outputTokens: 3 });
    // 3 output tokens at $4 per million on v2.
    expect(Number(figures!.costUsd)).toBeCloseTo(0.000012, 9);
    // Another member of the tenant does not read this person's runs here.
    const { user: other } = await seedMember(s.tenant, "DEVELOPER");
    expect(await findPlaygroundRun({ tenantId: s.tenant.id, userId: other.id }, figures!.requestId)).toBeNull();
  });

  it("runs the active version when none is picked", async () => {
    const s = await seedTwoVersions();
    const res = await runPlayground(s.who, { endpointName: s.endpoint.name, versionId: null }, run({ endpointId: s.endpoint.id, messages: [{ role: "user", content: "hi" }] }), AbortSignal.timeout(10_000));
    await res.text();
    expect(res.headers.get("x-keel-model-version")).toBe(s.version.id);
  });

  it("never pins a version of another endpoint or another tenant", async () => {
    const s = await seedTwoVersions();
    const elsewhere = await seedEndpoint(s.tenant, s.provider, { name: "other-ep" });
    const foreign = await seedTwoVersions();
    expect(await findRunTarget(s.who, s.endpoint.id, elsewhere.version.id)).toBeNull();
    expect(await findRunTarget(s.who, s.endpoint.id, foreign.v2.id)).toBeNull();
    expect(await findRunTarget(s.who, foreign.endpoint.id, null)).toBeNull();

    // Even a validly signed console token naming a version of another endpoint is refused by the gateway.
    const token = mintConsoleToken({ ...s.who, versionId: elsewhere.version.id }, SECRET);
    const res = await fetch(`${harness.gateway.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("has no such version");
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("refuses an invalid JSON Schema, given as an object or as text, with the library's own check and where it is", () => {
    for (const schema of [{ type: "objekt" }, '{"type": "objekt"}']) {
      const parsed = playgroundRunSchema.safeParse({ endpointId: "e", messages: [{ role: "user", content: "hi" }], params: { response_format: { type: "json_schema", json_schema: { name: "answer", schema } } } });
      expect(parsed.success).toBe(false);
      expect(fieldErrorsOf(parsed.error!)).toEqual({ "params.response_format.json_schema.schema": [expect.stringMatching(/^Not a valid JSON Schema: at type: "objekt"/)] });
    }
  });

  it("refuses an empty thread with a clear message", () => {
    const parsed = playgroundRunSchema.safeParse({ endpointId: "e", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "  " }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toBe("Write a message first: the thread is empty");
  });

  it("stopping a run hangs up on the provider, and the record says the run was cancelled", async () => {
    const s = await seedTwoVersions();
    harness.fake.fail({ kind: "slow", chunkMs: 300 });
    const stop = new AbortController();
    const res = await runPlayground(s.who, { endpointName: s.endpoint.name, versionId: null }, run({ endpointId: s.endpoint.id, messages: [{ role: "user", content: "one two three four five six" }] }), stop.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    stop.abort();
    await expect.poll(() => harness.fake.hungUp, { timeout: 5_000 }).toBe(1);
    const id = res.headers.get("x-request-id")!;
    await expect.poll(async () => (await findPlaygroundRun(s.who, id))?.errorCode ?? null, { timeout: 5_000 }).toBe("client_closed");
    expect(await findPlaygroundRun(s.who, id)).toMatchObject({ status: 499 });
  });
});
