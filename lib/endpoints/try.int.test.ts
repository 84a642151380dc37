import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { mintConsoleToken } from "@/lib/gateway/console-token";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember } from "@/lib/testing/factories";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { readChatStream } from "./chat-stream-reader";
import { publishConsoleGateway } from "./console-gateway";
import { tryEndpoint } from "./try";

useTestDatabase();

const SECRET = "try-it-test-secret-try-it-test-secret";
const harness = useGatewayHarness({ consoleSecret: SECRET });

/** The console's side: server.ts publishes where its gateway listens and the session secret. */
function consoleEnv() {
  publishConsoleGateway({ url: harness.gateway.url.replace(/\/api\/v1$/, ""), secret: SECRET });
}

async function seedConsoleUser() {
  const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { outputPricePerMTok: "2" } });
  const { user } = await seedMember(s.tenant, "DEVELOPER");
  return { ...s, user };
}

describe("try it: console requests through the gateway", () => {
  it("streams the answer and records the request against the console user, not a key", async () => {
    consoleEnv();
    const s = await seedConsoleUser();
    const res = await tryEndpoint(
      { tenantId: s.tenant.id, userId: s.user.id },
      { name: s.endpoint.name, kind: "CHAT" },
      { messages: [{ role: "user", content: "Say hello" }], maxTokens: 20 },
      AbortSignal.timeout(10_000),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-keel-model-version")).toBe(s.version.id);
    let text = "";
    const run = await readChatStream(res.body!, (t) => (text += t), performance.now());
    expect(text.length).toBeGreaterThan(0);
    expect(run.outputTokens).toBeGreaterThan(0);

    const record = await db().requestRecord.findUniqueOrThrow({ where: { id: res.headers.get("x-request-id")! } });
    expect(record).toMatchObject({ tenantId: s.tenant.id, userId: s.user.id, apiKeyId: null, status: 200, stream: true, modelVersionId: s.version.id });
    expect(harness.fake.requests[0].body).toMatchObject({ model: "fake-chat", max_tokens: 20 });
  });

  it("refuses a console token signed with another secret, or expired, or for a tenant that does not exist", async () => {
    const s = await seedConsoleUser();
    const call = (token: string) =>
      fetch(`${harness.gateway.url}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }),
      });
    const who = { tenantId: s.tenant.id, userId: s.user.id };
    for (const token of [
      mintConsoleToken(who, "some-other-secret-some-other-secret"),
      mintConsoleToken(who, SECRET, Date.now() - 61_000),
      mintConsoleToken({ ...who, tenantId: "no-such-tenant" }, SECRET),
      `${mintConsoleToken(who, SECRET)}x`,
    ]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    }
    expect(harness.fake.requests).toHaveLength(0);
    expect((await call(mintConsoleToken(who, SECRET))).status).toBe(200);
  });

  it("says what is missing when the panel sends the wrong kind of input, and sends nothing", async () => {
    consoleEnv();
    const s = await seedConsoleUser();
    const res = await tryEndpoint({ tenantId: s.tenant.id, userId: s.user.id }, { name: s.endpoint.name, kind: "EMBEDDINGS" }, { messages: [{ role: "user", content: "hi" }] }, AbortSignal.timeout(5_000));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ message: "An embeddings endpoint takes texts.", fieldErrors: { input: [expect.any(String)] } });
    expect(harness.fake.requests).toHaveLength(0);
  });
});
