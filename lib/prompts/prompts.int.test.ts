import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { onInvalidation, type Invalidation } from "@/lib/gateway/invalidation";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { seedEndpoint, seedProvider } from "@/lib/testing/gateway-factories";
import { createPrompt, deletePrompt, restorePromptVersion, savePromptVersion } from "./actions";

useTestDatabase();

async function setup() {
  const tenant = await seedTenant();
  const provider = await seedProvider(tenant);
  await seedEndpoint(tenant, provider, { name: "chat" });
  await seedEndpoint(tenant, provider, { name: "chat-2" });
  await seedEndpoint(tenant, provider, { name: "embed", kind: "EMBEDDINGS" });
  const member = async (role: Role) => (await seedMember(tenant, role)).user;
  return { tenant, dev: await member("DEVELOPER"), owner: await member("OWNER") };
}

const first = {
  name: "support-reply",
  description: "Answers support tickets",
  system: "You answer {{product}} questions.",
  messages: [{ role: "user", content: "Ticket: {{ticket}}" }],
  parameters: { temperature: "0.2", max_tokens: "300" },
  endpoint: "chat",
  note: "first draft",
};

async function created(s: Awaited<ReturnType<typeof setup>>) {
  const r = await createPrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, ...first });
  if (!r.ok) throw new Error(r.error);
  return r.data.promptId;
}

const versionsOf = (promptId: string) => db().promptVersion.findMany({ where: { promptId }, orderBy: { version: "asc" } });
const eventsOf = (tenantId: string, action: string) => db().auditEvent.findMany({ where: { tenantId, action }, orderBy: { seq: "asc" } });

let stopListening = () => {};
afterEach(() => stopListening());
function listen(): Invalidation[] {
  const heard: Invalidation[] = [];
  stopListening = onInvalidation((c) => void heard.push(c));
  return heard;
}

describe("createPrompt", () => {
  it("saves version 1 with its content, writes prompt.created with that content, and tells the gateways", async () => {
    const s = await setup();
    const heard = listen();
    const promptId = await created(s);
    const prompt = await db().prompt.findUniqueOrThrow({ where: { id: promptId } });
    expect(prompt).toMatchObject({ tenantId: s.tenant.id, name: "support-reply", description: "Answers support tickets", latestVersion: 1, fetchCount: 0 });
    const [v1] = await versionsOf(promptId);
    expect(v1).toMatchObject({
      tenantId: s.tenant.id, version: 1, endpointName: "chat", note: "first draft", createdById: s.dev.id, restoredFrom: null,
      content: { system: "You answer {{product}} questions.", messages: [{ role: "user", content: "Ticket: {{ticket}}" }], parameters: { temperature: 0.2, max_tokens: 300 } },
    });
    const [event] = await eventsOf(s.tenant.id, "prompt.created");
    expect(event).toMatchObject({ actorId: s.dev.id, resourceType: "prompt", resourceId: promptId });
    expect(event.after).toMatchObject({ name: "support-reply", version: { version: 1, endpointName: "chat", content: v1.content, contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(heard).toEqual([{ kind: "prompt", tenantId: s.tenant.id, name: "support-reply" }]);
  });

  it("refuses a taken name, an unknown endpoint, an embeddings endpoint, and changes nothing", async () => {
    const s = await setup();
    await created(s);
    const attempts: [Record<string, unknown>, string][] = [
      [{ ...first }, "name"],
      [{ ...first, name: "other", endpoint: "no-such-endpoint" }, "endpoint"],
      [{ ...first, name: "other", endpoint: "embed" }, "endpoint"],
    ];
    for (const [input, field] of attempts) {
      const before = await db().promptVersion.count();
      const r = await createPrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, ...input });
      expect(r, field).toMatchObject({ ok: false, fieldErrors: { [field]: [expect.any(String)] } });
      expect(await db().promptVersion.count()).toBe(before);
    }
    expect(await db().prompt.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it("refuses another tenant's endpoint name: a prompt targets only its own tenant's endpoints", async () => {
    const s = await setup();
    const other = await setup();
    const provider = await seedProvider(other.tenant);
    await seedEndpoint(other.tenant, provider, { name: "theirs-only" });
    const r = await createPrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, ...first, endpoint: "theirs-only" });
    expect(r).toMatchObject({ ok: false, fieldErrors: { endpoint: ["No endpoint named theirs-only in this tenant"] } });
    expect(await db().prompt.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });
});

describe("savePromptVersion", () => {
  it("adds version 2 and leaves version 1 exactly as it was", async () => {
    const s = await setup();
    const promptId = await created(s);
    const [v1Before] = await versionsOf(promptId);
    const heard = listen();
    const r = await savePromptVersion.runAs(callerFor(s.owner), {
      tenant: s.tenant.slug, promptId, system: first.system, messages: [{ role: "user", content: "Ticket #{{id}}: {{ticket}}" }],
      parameters: { temperature: "0.5" }, endpoint: "chat-2", note: "more context",
    });
    expect(r).toMatchObject({ ok: true, data: { version: 2 } });
    const [v1, v2] = await versionsOf(promptId);
    expect(v1).toEqual(v1Before);
    expect(v2).toMatchObject({ version: 2, endpointName: "chat-2", note: "more context", createdById: s.owner.id, content: { parameters: { temperature: 0.5 } } });
    expect(await db().prompt.findUniqueOrThrow({ where: { id: promptId } })).toMatchObject({ latestVersion: 2 });
    const [event] = await eventsOf(s.tenant.id, "prompt.version_saved");
    expect(event).toMatchObject({ actorId: s.owner.id, resourceId: promptId, before: { latestVersion: 1 }, after: { version: { version: 2, note: "more context" } } });
    expect(heard).toEqual([{ kind: "prompt", tenantId: s.tenant.id, name: "support-reply" }]);
  });

  it("refuses a version that changes nothing, and bad fields, without writing anything", async () => {
    const s = await setup();
    const promptId = await created(s);
    const events = await db().auditEvent.count();
    const same = await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, ...first, note: "only the note differs" });
    expect(same).toMatchObject({ ok: false, error: expect.stringMatching(/^Nothing changed since version 1/) });
    const bad = await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, messages: [], system: "", parameters: { temperature: "9" } });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { messages: [expect.any(String)], "parameters.temperature": [expect.any(String)] } });
    expect(await versionsOf(promptId)).toHaveLength(1);
    expect(await db().auditEvent.count()).toBe(events);
  });

  it("numbers concurrent saves without gaps or repeats", async () => {
    const s = await setup();
    const promptId = await created(s);
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, system: `Variant ${n}`, endpoint: "chat" }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await versionsOf(promptId)).map((v) => v.version)).toEqual([1, 2, 3, 4]);
  });
});

describe("versions are immutable", () => {
  it("the database refuses to change a stored version, whoever asks", async () => {
    const s = await setup();
    const promptId = await created(s);
    const [v1] = await versionsOf(promptId);
    await expect(db().promptVersion.update({ where: { id: v1.id }, data: { note: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(db().$executeRaw`UPDATE "PromptVersion" SET "content" = '{}' WHERE "id" = ${v1.id}`).rejects.toThrow(/immutable/);
    expect(await versionsOf(promptId)).toEqual([v1]);
  });
});

describe("restorePromptVersion", () => {
  it("copies version 1 as version 3, equal to it, and says where it came from", async () => {
    const s = await setup();
    const promptId = await created(s);
    await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, system: "Rewritten", endpoint: "chat-2" });
    const r = await restorePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, version: "1" });
    expect(r).toMatchObject({ ok: true, data: { version: 3, restoredFrom: 1 } });
    const [v1, , v3] = await versionsOf(promptId);
    expect(v3.content).toEqual(v1.content);
    expect(v3).toMatchObject({ endpointName: v1.endpointName, restoredFrom: 1, note: "Restored from version 1", createdById: s.dev.id });
    const [event] = await eventsOf(s.tenant.id, "prompt.version_restored");
    expect(event).toMatchObject({ resourceId: promptId, before: { latestVersion: 2 }, after: { version: { version: 3, restoredFrom: 1 } } });
  });

  it("refuses to restore the newest version or one that does not exist, and changes nothing", async () => {
    const s = await setup();
    const promptId = await created(s);
    for (const version of [1, 7]) {
      const r = await restorePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, version });
      expect(r, String(version)).toMatchObject({ ok: false, fieldErrors: { version: [expect.any(String)] } });
    }
    expect(await versionsOf(promptId)).toHaveLength(1);
  });
});

describe("deletePrompt", () => {
  it("needs the name typed again, then removes the prompt and its versions and records what they held", async () => {
    const s = await setup();
    const promptId = await created(s);
    const wrong = await deletePrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, confirm: "support" });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { confirm: ["Type support-reply to confirm"] } });
    expect(await db().prompt.count({ where: { id: promptId } })).toBe(1);
    const r = await deletePrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, confirm: "support-reply" });
    expect(r.ok).toBe(true);
    expect(await db().prompt.count({ where: { id: promptId } })).toBe(0);
    expect(await versionsOf(promptId)).toHaveLength(0);
    const [event] = await eventsOf(s.tenant.id, "prompt.deleted");
    expect(event).toMatchObject({ resourceId: promptId, before: { name: "support-reply", latestVersion: 1, versions: 1 } });
  });
});

describe("who may change prompts", () => {
  it("refuses VIEWER, AUDITOR and APPROVER every change, with nothing changed", async () => {
    const s = await setup();
    const promptId = await created(s);
    const snapshot = async () => ({ prompts: await db().prompt.findMany(), versions: await db().promptVersion.findMany(), events: await db().auditEvent.count() });
    for (const role of ["VIEWER", "AUDITOR", "APPROVER"] as const) {
      const { user } = await seedMember(s.tenant, role);
      const before = await snapshot();
      const calls = [
        createPrompt.runAs(callerFor(user), { tenant: s.tenant.slug, ...first, name: "sneaky" }),
        savePromptVersion.runAs(callerFor(user), { tenant: s.tenant.slug, promptId, system: "Sneaky" }),
        restorePromptVersion.runAs(callerFor(user), { tenant: s.tenant.slug, promptId, version: 1 }),
        deletePrompt.runAs(callerFor(user), { tenant: s.tenant.slug, promptId, confirm: "support-reply" }),
      ];
      for (const r of await Promise.all(calls)) expect(r, role).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
      expect(await snapshot()).toEqual(before);
    }
  });

  it("refuses another tenant's prompt id, whether named under the caller's tenant or under the prompt's", async () => {
    const target = await setup();
    const promptId = await created(target);
    const other = await setup();
    const before = await versionsOf(promptId);
    for (const tenant of [other.tenant.slug, target.tenant.slug]) {
      const calls = [
        savePromptVersion.runAs(callerFor(other.owner), { tenant, promptId, system: "Hijacked" }),
        restorePromptVersion.runAs(callerFor(other.owner), { tenant, promptId, version: 1 }),
        deletePrompt.runAs(callerFor(other.owner), { tenant, promptId, confirm: "support-reply" }),
      ];
      for (const r of await Promise.all(calls)) expect(r, tenant).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    }
    expect(await versionsOf(promptId)).toEqual(before);
  });
});
