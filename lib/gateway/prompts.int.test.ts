import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createPrompt, deletePrompt, savePromptVersion } from "@/lib/prompts/actions";
import { seedPrompt } from "@/lib/prompts/test-factories";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { seedApiKey, startTestGateway, type TestGateway } from "@/lib/testing/gateway-factories";

useTestDatabase();

// Far longer than any test here: only an invalidation can explain a change being served.
const LONG_TTL_MS = 60_000;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ cacheTtlMs: LONG_TTL_MS });
});
afterAll(() => gw?.close());

function get(secret: string | null, path: string, gateway = gw) {
  return fetch(`${gateway.url}/prompts/${path}`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });
}

async function setup() {
  const tenant = await seedTenant();
  // A request limit, so that answers carry the limit headers a fetch is counted against.
  const { key, secret } = await seedApiKey(tenant, { requestsPerMinute: 1_000 });
  return { tenant, key, secret };
}

const twoVersions = [
  { content: { system: "You answer {{product}} questions.", messages: [{ role: "user" as const, content: "Ticket: {{ticket}}" }], parameters: { temperature: 0.2 } }, endpointName: "chat", note: "first" },
  { content: { system: "", messages: [{ role: "user" as const, content: "Ticket #{{id}}" }], parameters: { max_tokens: 50, stop: ["END"] } }, endpointName: "chat", note: "second" },
];

describe("GET /api/v1/prompts/{name}", () => {
  it("answers the newest version, ready to fill in and send, and records the fetch under the key", async () => {
    const s = await setup();
    const prompt = await seedPrompt(s.tenant, { name: "support", versions: twoVersions });
    const res = await get(s.secret, "support");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      object: "prompt",
      name: "support",
      version: 2,
      latest_version: 2,
      messages: [{ role: "user", content: "Ticket #{{id}}" }],
      variables: ["id"],
      parameters: { max_tokens: 50, stop: ["END"] },
      endpoint: "chat",
      note: "second",
      restored_from: null,
      created_at: expect.any(Number),
    });
    const requestId = res.headers.get("x-request-id")!;
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("1000");
    expect(await db().requestRecord.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      tenantId: s.tenant.id, apiKeyId: s.key.id, route: "prompts", status: 200, endpointId: null, inputTokens: 0, outputTokens: 0,
    });
    expect(prompt.latestVersion).toBe(2);
  });

  it("answers the version asked for with ?version=N, and a clear 404 for one that does not exist", async () => {
    const s = await setup();
    await seedPrompt(s.tenant, { name: "support", versions: twoVersions });
    const v1 = await (await get(s.secret, "support?version=1")).json();
    expect(v1).toMatchObject({
      version: 1, latest_version: 2, note: "first", variables: ["product", "ticket"], parameters: { temperature: 0.2 },
      messages: [{ role: "system", content: "You answer {{product}} questions." }, { role: "user", content: "Ticket: {{ticket}}" }],
    });
    const missing = await get(s.secret, "support?version=9");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { message: "The prompt `support` has no version 9; its newest is version 2.", type: "not_found_error", param: "name", code: "prompt_not_found" },
    });
  });

  it("answers 400 naming the parameter for a version that is not a whole number from 1, and records it", async () => {
    const s = await setup();
    await seedPrompt(s.tenant, { name: "support" });
    for (const query of ["version=0", "version=-1", "version=1.5", "version=abc", "version=", "version=1&version=2", "version=99999999999"]) {
      const res = await get(s.secret, `support?${query}`);
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(body.error, query).toMatchObject({ type: "invalid_request_error", param: "version", message: expect.stringContaining("whole number from 1") });
      expect(await db().requestRecord.findUniqueOrThrow({ where: { id: res.headers.get("x-request-id")! } })).toMatchObject({ status: 400, route: "prompts" });
    }
  });

  it("answers 400 for a name no prompt can have, and 405 for anything but GET", async () => {
    const s = await setup();
    for (const name of ["Upper", "a", encodeURIComponent("x".repeat(65)), "bad%20name"]) {
      const res = await get(s.secret, name);
      expect(res.status, name).toBe(400);
      expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", param: "name" });
    }
    const post = await fetch(`${gw.url}/prompts/support`, { method: "POST", headers: { authorization: `Bearer ${s.secret}` } });
    expect(post.status).toBe(405);
  });

  it("answers another tenant's key 404 in OpenAI's error format, in the very words an unknown name gets", async () => {
    const owner = await setup();
    const outsider = await setup();
    await seedPrompt(owner.tenant, { name: "secret-plan" });
    const foreign = await get(outsider.secret, "secret-plan");
    expect(foreign.status).toBe(404);
    const body = await foreign.json();
    expect(body).toEqual({
      error: { message: "The prompt `secret-plan` does not exist or you do not have access to it.", type: "not_found_error", param: "name", code: "prompt_not_found" },
    });
    const unknown = await (await get(outsider.secret, "no-such-prompt")).json();
    expect(unknown.error.message.replace("no-such-prompt", "secret-plan")).toBe(body.error.message);
    // Recorded under the caller's tenant, never the prompt's.
    expect(await db().requestRecord.findUniqueOrThrow({ where: { id: foreign.headers.get("x-request-id")! } })).toMatchObject({ tenantId: outsider.tenant.id, status: 404 });
    expect(await db().requestRecord.count({ where: { tenantId: owner.tenant.id } })).toBe(0);
  });

  it("lets a key scoped to some endpoints read only prompts that target them, now and in the version asked for", async () => {
    const s = await setup();
    const scoped = await seedApiKey(s.tenant, { allowedEndpoints: ["chat"] });
    await seedPrompt(s.tenant, { name: "in-scope", versions: [{ endpointName: "chat" }] });
    await seedPrompt(s.tenant, { name: "out-of-scope", versions: [{ endpointName: "chat-2" }] });
    await seedPrompt(s.tenant, { name: "no-endpoint", versions: [{ endpointName: null }] });
    await seedPrompt(s.tenant, { name: "moved-away", versions: [{ endpointName: "chat" }, { endpointName: "chat-2" }] });
    await seedPrompt(s.tenant, { name: "moved-here", versions: [{ endpointName: "chat-2" }, { endpointName: "chat" }] });
    const status = async (path: string, secret = scoped.secret) => (await get(secret, path)).status;
    expect(await status("in-scope")).toBe(200);
    expect(await status("moved-here")).toBe(200);
    for (const path of ["out-of-scope", "no-endpoint", "moved-away", "moved-away?version=1", "moved-here?version=1"]) {
      const res = await get(scoped.secret, path);
      expect(res.status, path).toBe(404);
      const name = path.split("?")[0];
      expect((await res.json()).error.message, path).toBe(`The prompt \`${name}\` does not exist or you do not have access to it.`);
    }
    // The tenant's unscoped key reads them all.
    for (const path of ["out-of-scope", "no-endpoint", "moved-away?version=1"]) expect(await status(path, s.secret), path).toBe(200);
  });

  it("answers names no prompt can have (NUL, other scripts, encoded slashes, bidi controls) with 400, and a suspended tenant's key with 403", async () => {
    const s = await setup();
    await seedPrompt(s.tenant, { name: "support" });
    for (const name of ["support%00", "caf%C3%A9", "support%2Fx", "support%20", "%E2%80%AEtroppus", "%ZZ", "-support"]) {
      const res = await get(s.secret, name);
      expect(res.status, name).toBe(400);
      expect((await res.json()).error, name).toMatchObject({ type: "invalid_request_error", param: "name" });
    }
    expect((await get(s.secret, "support/extra")).status).toBe(404);
    await db().tenant.update({ where: { id: s.tenant.id }, data: { status: "SUSPENDED" } });
    const suspended = await startTestGateway({ cacheTtlMs: LONG_TTL_MS });
    try {
      const res = await get(s.secret, "support", suspended);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ code: "tenant_suspended" });
    } finally {
      await suspended.close();
    }
  });

  it("refuses a missing, revoked or expired key with 401", async () => {
    const s = await setup();
    await seedPrompt(s.tenant, { name: "support" });
    const revoked = await seedApiKey(s.tenant, { revokedAt: new Date() });
    const expired = await seedApiKey(s.tenant, { expiresAt: new Date(Date.now() - 1_000) });
    for (const secret of [null, revoked.secret, expired.secret, "keel_made-up"]) {
      const res = await get(secret, "support");
      expect(res.status, String(secret)).toBe(401);
      expect((await res.json()).error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    }
  });
});

describe("fetch counts", () => {
  async function fetchCount(promptId: string) {
    return (await db().prompt.findUniqueOrThrow({ where: { id: promptId } })).fetchCount;
  }

  it("reach the database within seconds, counting only successful fetches and leaving updatedAt alone", async () => {
    const s = await setup();
    const prompt = await seedPrompt(s.tenant, { name: "counted" });
    for (let i = 0; i < 3; i++) expect((await get(s.secret, "counted")).status).toBe(200);
    expect((await get(s.secret, "counted?version=5")).status).toBe(404);
    const deadline = Date.now() + 5_000;
    while ((await fetchCount(prompt.id)) < 3 && Date.now() < deadline) await sleep(50);
    await sleep(1_500); // a later flush must not add the 404
    const row = await db().prompt.findUniqueOrThrow({ where: { id: prompt.id } });
    expect(row.fetchCount).toBe(3);
    expect(row.updatedAt).toEqual(prompt.updatedAt);
  });

  it("are written when the gateway closes, before its next batch was due", async () => {
    const s = await setup();
    const prompt = await seedPrompt(s.tenant, { name: "closing" });
    const own = await startTestGateway({ cacheTtlMs: LONG_TTL_MS });
    await get(s.secret, "closing", own);
    await get(s.secret, "closing", own);
    await own.close();
    expect(await fetchCount(prompt.id)).toBe(2);
  });
});

describe("changes reach the gateway at once", () => {
  it("serves from its cache without reading the database, and a version saved in the console at once", async () => {
    const s = await setup();
    const { user } = await seedMember(s.tenant, "DEVELOPER");
    const created = await createPrompt.runAs(callerFor(user), { tenant: s.tenant.slug, name: "live", system: "One" });
    if (!created.ok) throw new Error(created.error);
    expect(await (await get(s.secret, "live")).json()).toMatchObject({ version: 1 });

    // Behind Keel's back, so no one tells the gateway: it keeps answering from its cache.
    await db().$transaction([
      db().promptVersion.create({ data: { tenantId: s.tenant.id, promptId: created.data.promptId, version: 2, content: { system: "Two", messages: [], parameters: {} } } }),
      db().prompt.update({ where: { id: created.data.promptId }, data: { latestVersion: 2 } }),
    ]);
    expect(await (await get(s.secret, "live")).json()).toMatchObject({ version: 1 });

    const saved = await savePromptVersion.runAs(callerFor(user), { tenant: s.tenant.slug, promptId: created.data.promptId, system: "Three" });
    expect(saved).toMatchObject({ ok: true, data: { version: 3 } });
    expect(await (await get(s.secret, "live")).json()).toMatchObject({ version: 3, messages: [{ role: "system", content: "Three" }] });
  });

  it("serves a prompt created after its name was cached as unknown, and 404s a deleted one, at once", async () => {
    const s = await setup();
    const { user } = await seedMember(s.tenant, "DEVELOPER");
    expect((await get(s.secret, "late")).status).toBe(404);
    const created = await createPrompt.runAs(callerFor(user), { tenant: s.tenant.slug, name: "late", system: "Hello" });
    if (!created.ok) throw new Error(created.error);
    expect((await get(s.secret, "late")).status).toBe(200);
    expect((await get(s.secret, "late?version=1")).status).toBe(200);
    expect(await deletePrompt.runAs(callerFor(user), { tenant: s.tenant.slug, promptId: created.data.promptId, confirm: "late" })).toMatchObject({ ok: true });
    expect((await get(s.secret, "late")).status).toBe(404);
    expect((await get(s.secret, "late?version=1")).status).toBe(404);
  });
});
