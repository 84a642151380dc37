import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { FAKE_PROVIDER_KEY, seedGatewayTenant, seedProvider, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

// harness.fake serves the active version; `backup` serves the fallbacks.
const harness = useGatewayHarness({ providerTimeoutMs: 800 });
let backup: FakeOpenAI;
beforeAll(async () => {
  backup = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
});
afterAll(() => backup?.close());
beforeEach(() => backup.reset());

const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi there" }] });
type ApiError = InstanceType<typeof OpenAI.APIError>;
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as ApiError);
const recordById = (id: string | null) => db().requestRecord.findUniqueOrThrow({ where: { id: id! } });

/** A tenant whose endpoint's active version is on harness.fake, with fallbacks on `backup` (or at `baseUrls`). */
async function seedWithFallbacks(baseUrls: string[] = [backup.baseUrl]) {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  const fallbacks = [];
  for (const [i, baseUrl] of baseUrls.entries()) {
    const provider = await seedProvider(s.tenant, { baseUrl, apiKey: FAKE_PROVIDER_KEY });
    fallbacks.push(
      await db().modelVersion.create({
        data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: `fallback-${i + 1}`, providerId: provider.id, providerModel: `backup-model-${i + 1}` },
      }),
    );
  }
  await db().endpoint.update({ where: { id: s.endpoint.id }, data: { fallbackVersionIds: fallbacks.map((v) => v.id) } });
  return { ...s, fallbacks };
}

describe("fallback versions", () => {
  it("answers from the fallback when the active version's provider keeps failing, and records the fallback", async () => {
    const s = await seedWithFallbacks();
    harness.fake.fail({ kind: "status", status: 500 }, 10);
    const { data, response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect(data.choices[0].message.content).toBe("echo: hi there");
    expect(response.headers.get("x-keel-model-version")).toBe(s.fallbacks[0].id);
    expect(harness.fake.requests).toHaveLength(3); // the active version's call and its two retries
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0].body).toMatchObject({ model: "backup-model-1" });
    expect(await recordById(response.headers.get("x-request-id"))).toMatchObject({
      modelVersionId: s.fallbacks[0].id, endpointId: s.endpoint.id, status: 200, errorCode: null, attempts: 4,
    });
  });

  it("does not fall back on the caller's own mistake: a 400 reaches the caller", async () => {
    const s = await seedWithFallbacks();
    harness.fake.fail({ kind: "status", status: 400, message: "temperature is too spicy" }, 10);
    const error = await failure(harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("temperature is too spicy");
    expect(harness.fake.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
    expect(await recordById(error.headers!.get("x-request-id"))).toMatchObject({ modelVersionId: s.version.id, status: 400, attempts: 1 });
  });

  it("uses the active version alone while it answers", async () => {
    const s = await seedWithFallbacks();
    const { response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect(response.headers.get("x-keel-model-version")).toBe(s.version.id);
    expect(backup.requests).toHaveLength(0);
  });

  it("tries the fallbacks in order: past one that cannot be reached, to the next", async () => {
    const s = await seedWithFallbacks(["http://127.0.0.1:9/v1", backup.baseUrl]);
    harness.fake.fail({ kind: "hang" });
    const { data, response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect(data.choices[0].message.content).toBe("echo: hi there");
    expect(response.headers.get("x-keel-model-version")).toBe(s.fallbacks[1].id);
    expect(backup.requests.map((r) => r.body?.model)).toEqual(["backup-model-2"]);
    // A timeout is not retried (1), the unreachable fallback is (3), then the second answers (1).
    expect(await recordById(response.headers.get("x-request-id"))).toMatchObject({ modelVersionId: s.fallbacks[1].id, status: 200, attempts: 5 });
  });

  it("falls back for a stream whose active provider failed before sending anything", async () => {
    const s = await seedWithFallbacks();
    harness.fake.fail({ kind: "status", status: 503 }, 10);
    const { data: stream, response } = await harness.gateway
      .client(s.secret)
      .chat.completions.create({ ...hi(s.endpoint.name), stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("echo: hi there");
    expect(response.headers.get("x-keel-model-version")).toBe(s.fallbacks[0].id);
    expect(await recordById(response.headers.get("x-request-id"))).toMatchObject({ modelVersionId: s.fallbacks[0].id, stream: true, status: 200 });
  });

  it("skips fallback ids of versions that are gone or active, and another endpoint's versions", async () => {
    const s = await seedWithFallbacks();
    const other = await seedGatewayTenant(backup.baseUrl);
    await db().endpoint.update({
      where: { id: s.endpoint.id },
      data: { fallbackVersionIds: ["no-such-version", s.version.id, other.version.id, s.fallbacks[0].id] },
    });
    harness.fake.fail({ kind: "status", status: 500 }, 10);
    const { response } = await harness.gateway.client(s.secret).chat.completions.create(hi(s.endpoint.name)).withResponse();
    expect(response.headers.get("x-keel-model-version")).toBe(s.fallbacks[0].id);
    expect(harness.fake.requests).toHaveLength(3);
    expect(backup.requests.map((r) => r.body?.model)).toEqual(["backup-model-1"]);
  });
});
