import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { createPrompt, savePromptVersion } from "@/lib/prompts/actions";
import { listPromptNames } from "@/lib/prompts/data";
import { parametersFormFrom } from "@/lib/prompts/parameters-form";
import { seedPrompt } from "@/lib/prompts/test-factories";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { seedEndpoint, seedProvider } from "@/lib/testing/gateway-factories";
import { listPlaygroundEndpoints, openPromptVersion } from "./data";
import { promptInputFromColumn } from "./library";
import type { ThreadMessage } from "./thread";

useTestDatabase();

async function setup() {
  const tenant = await seedTenant();
  const provider = await seedProvider(tenant);
  await seedEndpoint(tenant, provider, { name: "chat" });
  const member = async (role: Role) => (await seedMember(tenant, role)).user;
  return { tenant, ctx: { tenantId: tenant.id }, dev: await member("DEVELOPER"), viewer: await member("VIEWER") };
}

/** A playground column as a person leaves it: a thread (with the blank message "continue" adds), parameters and an endpoint. */
const column = {
  system: "You answer {{product}} questions.",
  thread: [
    { id: "a", role: "user", content: "Ticket: {{ticket}}" },
    { id: "b", role: "assistant", content: "Thanks, looking." },
    { id: "c", role: "user", content: "" },
  ] satisfies ThreadMessage[],
  parameters: parametersFormFrom({ temperature: 0.2, max_tokens: 300, response_format: { type: "json_schema", json_schema: { name: "reply", schema: { type: "object" }, strict: true } } }),
};
const inputOf = (c: typeof column, endpoint: string | null = "chat") => promptInputFromColumn(c.system, c.thread, c.parameters, endpoint);

const versionsOf = (promptId: string) => db().promptVersion.findMany({ where: { promptId }, orderBy: { version: "asc" } });

describe("saving a playground column to the prompt library", () => {
  it("saves a new prompt, then a new version of it, through the library's actions; both open in the playground as they were saved", async () => {
    const s = await setup();
    const created = await createPrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, name: "support-reply", description: "", note: "from the playground", ...inputOf(column) });
    expect(created).toEqual({ ok: true, data: { promptId: expect.any(String), name: "support-reply", version: 1 } });
    const promptId = created.ok ? created.data.promptId : "";
    const [v1] = await versionsOf(promptId);
    expect(v1).toMatchObject({
      tenantId: s.tenant.id,
      endpointName: "chat",
      note: "from the playground",
      createdById: s.dev.id,
      content: {
        system: "You answer {{product}} questions.",
        messages: [
          { role: "user", content: "Ticket: {{ticket}}" },
          { role: "assistant", content: "Thanks, looking." },
        ],
        parameters: { temperature: 0.2, max_tokens: 300, response_format: { type: "json_schema", json_schema: { name: "reply", schema: { type: "object" }, strict: true } } },
      },
    });
    expect(await db().auditEvent.count({ where: { tenantId: s.tenant.id, action: "prompt.created", resourceId: promptId } })).toBe(1);

    // The dialog picks the prompt from the tenant's list by name and saves the next version to it.
    const [choice] = (await listPromptNames(s.ctx)).prompts;
    expect(choice).toEqual({ id: promptId, name: "support-reply", latestVersion: 1 });
    const changed = { ...column, parameters: { ...column.parameters, temperature: "0.9" } };
    const saved = await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId: choice.id, note: "warmer", ...inputOf(changed) });
    expect(saved).toEqual({ ok: true, data: { promptId, name: "support-reply", version: 2 } });

    // Saving the same column again changes nothing, and the library says so.
    const again = await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId, note: "", ...inputOf(changed) });
    expect(again).toMatchObject({ ok: false, error: expect.stringContaining("Nothing changed since version 2") });

    const endpoints = await listPlaygroundEndpoints(s.ctx);
    const opened = await openPromptVersion(s.ctx, { name: "support-reply", version: 1, values: { ticket: "My order is late" } }, endpoints);
    expect(opened.ok && opened.start).toMatchObject({
      source: { name: "support-reply", version: 1 },
      system: "You answer {{product}} questions.",
      thread: [
        { role: "user", content: "Ticket: My order is late" },
        { role: "assistant", content: "Thanks, looking." },
        { role: "user", content: "" },
      ],
      parameters: column.parameters,
      endpointId: endpoints.find((e) => e.name === "chat")!.id,
      filled: ["ticket"],
    });
    const newest = await openPromptVersion(s.ctx, { name: "support-reply", version: null, values: {} }, endpoints);
    expect(newest.ok && newest.start).toMatchObject({ source: { version: 2 }, parameters: { temperature: "0.9" } });
  });

  it("refuses a viewer's forged save, as a new prompt or a new version, and changes nothing", async () => {
    const s = await setup();
    const prompt = await seedPrompt(s.tenant, { name: "greeting" });
    const before = { prompts: await db().prompt.count(), versions: await db().promptVersion.count(), events: await db().auditEvent.count() };
    const asViewer = [
      await createPrompt.runAs(callerFor(s.viewer), { tenant: s.tenant.slug, name: "viewer-prompt", description: "", note: "", ...inputOf(column) }),
      await savePromptVersion.runAs(callerFor(s.viewer), { tenant: s.tenant.slug, promptId: prompt.id, note: "", ...inputOf(column) }),
    ];
    for (const r of asViewer) expect(r).toEqual({ ok: false, error: "Forbidden: the Viewer role may not save, restore and delete prompts in the library." });
    expect({ prompts: await db().prompt.count(), versions: await db().promptVersion.count(), events: await db().auditEvent.count() }).toEqual(before);
  });

  it("never reaches another tenant's prompt: not in the list, not by name, not by id", async () => {
    const s = await setup();
    const other = await setup();
    const theirs = await seedPrompt(other.tenant, { name: "their-secret", versions: [{ content: { system: "Their {{secret}}" } }] });
    await seedPrompt(s.tenant, { name: "ours" });

    expect(await listPromptNames(s.ctx, { include: "their-secret" })).toEqual({ prompts: [expect.objectContaining({ name: "ours" })], more: false });
    const opened = await openPromptVersion(s.ctx, { name: "their-secret", version: 1, values: {} }, await listPlaygroundEndpoints(s.ctx));
    expect(opened).toEqual({ ok: false, problem: "No prompt named “their-secret” in this tenant." });

    const versionsBefore = await versionsOf(theirs.id);
    const forged = await savePromptVersion.runAs(callerFor(s.dev), { tenant: s.tenant.slug, promptId: theirs.id, note: "", ...inputOf(column) });
    expect(forged).toEqual({ ok: false, error: "Not found: no such prompt in this tenant." });
    // Their developer's tenant in the input, our developer's session: the membership decides, and there is none.
    const claimed = await savePromptVersion.runAs(callerFor(s.dev), { tenant: other.tenant.slug, promptId: theirs.id, note: "", ...inputOf(column) });
    expect(claimed).toMatchObject({ ok: false, error: expect.stringContaining("not a member") });
    expect(await versionsOf(theirs.id)).toEqual(versionsBefore);

    // A new prompt under the same name is ours alone; theirs is untouched.
    const ours = await createPrompt.runAs(callerFor(s.dev), { tenant: s.tenant.slug, name: "their-secret", description: "", note: "", ...inputOf(column) });
    expect(ours).toMatchObject({ ok: true, data: { version: 1 } });
    expect(await db().prompt.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ tenantId: other.tenant.id, latestVersion: 1 });
  });

  it("offers the most recently changed prompts to save to, not the whole library, and always the one the playground opened", async () => {
    const s = await setup();
    const old = await seedPrompt(s.tenant, { name: "opened-long-ago", updatedAt: new Date("2020-01-01") });
    for (const [i, name] of ["delta", "alpha", "charlie", "bravo"].entries()) await seedPrompt(s.tenant, { name, updatedAt: new Date(Date.UTC(2026, 0, 1 + i)) });
    const names = async (opts: Parameters<typeof listPromptNames>[1]) => {
      const { prompts, more } = await listPromptNames(s.ctx, opts);
      return { names: prompts.map((p) => p.name), more };
    };
    expect(await names({ limit: 3 })).toEqual({ names: ["alpha", "bravo", "charlie"], more: true });
    expect(await names({ limit: 3, include: "opened-long-ago" })).toEqual({ names: ["alpha", "bravo", "charlie", "opened-long-ago"], more: true });
    expect(await names({ limit: 3, include: "bravo" })).toEqual({ names: ["alpha", "bravo", "charlie"], more: true });
    expect(await names({ limit: 5 })).toEqual({ names: ["alpha", "bravo", "charlie", "delta", "opened-long-ago"], more: false });
    expect((await listPromptNames(s.ctx, { include: "opened-long-ago" })).prompts.find((p) => p.name === old.name)).toEqual({ id: old.id, name: old.name, latestVersion: 1 });
  });

  it("says which versions a prompt has when a link asks for one it does not", async () => {
    const s = await setup();
    await seedPrompt(s.tenant, { name: "greeting", versions: [{}, {}] });
    const opened = await openPromptVersion(s.ctx, { name: "greeting", version: 7, values: {} }, []);
    expect(opened).toEqual({ ok: false, problem: "greeting has no version 7; it has versions 1 to 2." });
  });
});
