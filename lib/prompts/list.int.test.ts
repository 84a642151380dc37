import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { findPromptVersionByName, getPromptByName, getPromptVersion, getVersionPair, listPrompts, type PromptListParams } from "./data";
import { seedPrompt } from "./test-factories";

useTestDatabase();

const day = (d: number) => new Date(Date.UTC(2026, 0, d));

/** Five prompts whose names, update days and fetch counts each sort differently. */
async function setup() {
  const tenant = await seedTenant();
  const specs = [
    { name: "alpha", description: "Greets customers", updatedAt: day(3), fetchCount: 10 },
    { name: "bravo", description: "Summarises TICKETS", updatedAt: day(1), fetchCount: 50 },
    { name: "charlie", description: null, updatedAt: day(5), fetchCount: 0 },
    { name: "delta-ticket", description: "Routes mail", updatedAt: day(2), fetchCount: 30 },
    { name: "echo", description: "Writes release notes", updatedAt: day(4), fetchCount: 20 },
  ];
  for (const s of specs) await seedPrompt(tenant, { ...s, description: s.description ?? undefined, versions: [{ endpointName: "chat" }, { endpointName: `${s.name}-ep` }] });
  return tenant;
}

const list = (tenant: { id: string }, params: Partial<PromptListParams> = {}) =>
  listPrompts({ tenantId: tenant.id }, { page: 1, pageSize: 25, sort: "name", dir: "asc", ...params });
const names = (r: { rows: { name: string }[] }) => r.rows.map((p) => p.name);

describe("listPrompts", () => {
  it("returns each page's slice and the total across pages", async () => {
    const tenant = await setup();
    const pages = await Promise.all([1, 2, 3, 4].map((page) => list(tenant, { page, pageSize: 2 })));
    expect(pages.map(names)).toEqual([["alpha", "bravo"], ["charlie", "delta-ticket"], ["echo"], []]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
  });

  it("sorts by name, by last update and by fetches, either way", async () => {
    const tenant = await setup();
    expect(names(await list(tenant, { dir: "desc" }))).toEqual(["echo", "delta-ticket", "charlie", "bravo", "alpha"]);
    expect(names(await list(tenant, { sort: "updatedAt", dir: "desc" }))).toEqual(["charlie", "echo", "alpha", "delta-ticket", "bravo"]);
    expect(names(await list(tenant, { sort: "updatedAt", dir: "asc" }))).toEqual(["bravo", "delta-ticket", "alpha", "echo", "charlie"]);
    expect(names(await list(tenant, { sort: "fetchCount", dir: "desc" }))).toEqual(["bravo", "delta-ticket", "echo", "alpha", "charlie"]);
  });

  it("searches names and descriptions, in any case, and counts only the matches", async () => {
    const tenant = await setup();
    const r = await list(tenant, { q: "Ticket" });
    expect(names(r)).toEqual(["bravo", "delta-ticket"]);
    expect(r.total).toBe(2);
    expect(names(await list(tenant, { q: "RELEASE" }))).toEqual(["echo"]);
    expect((await list(tenant, { q: "nothing like this" })).total).toBe(0);
  });

  it("shows each prompt's newest version and the endpoint it targets", async () => {
    const tenant = await setup();
    const [alpha] = (await list(tenant)).rows;
    expect(alpha).toMatchObject({ name: "alpha", latestVersion: 2, endpointName: "alpha-ep", fetchCount: 10 });
  });

  it("never shows another tenant's prompts, whatever the search", async () => {
    const tenant = await setup();
    const other = await seedTenant();
    await seedPrompt(other, { name: "alpha-theirs", description: "Greets customers" });
    expect(names(await list(tenant, { q: "greets" }))).toEqual(["alpha"]);
    expect(names(await list(other))).toEqual(["alpha-theirs"]);
  });
});

describe("one prompt", () => {
  it("comes with its versions newest first, and any version with its content and variables", async () => {
    const tenant = await seedTenant();
    const seeded = await seedPrompt(tenant, {
      name: "reply",
      versions: [{ note: "one" }, { content: { system: "Hi {{name}}", messages: [] }, endpointName: "chat", note: "two" }],
    });
    const prompt = await getPromptByName({ tenantId: tenant.id }, "reply");
    expect(prompt?.versions.map((v) => [v.version, v.note])).toEqual([[2, "two"], [1, "one"]]);
    const v2 = await getPromptVersion({ tenantId: tenant.id }, seeded.id, 2);
    expect(v2).toMatchObject({ version: 2, endpointName: "chat", variables: ["name"], content: { system: "Hi {{name}}", messages: [] } });
    expect(await getPromptVersion({ tenantId: tenant.id }, seeded.id, 3)).toBeNull();
    const pair = await getVersionPair({ tenantId: tenant.id }, seeded.id, 1, 2);
    expect([pair?.before.version, pair?.after.version]).toEqual([1, 2]);
    expect(await getVersionPair({ tenantId: tenant.id }, seeded.id, 1, 9)).toBeNull();
  });

  it("is not found from another tenant, by name, by id or for a diff", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const seeded = await seedPrompt(tenant, { name: "private", versions: [{}, {}] });
    const theirs = { tenantId: other.id };
    expect(await getPromptByName(theirs, "private")).toBeNull();
    expect(await getPromptVersion(theirs, seeded.id, 1)).toBeNull();
    expect(await getVersionPair(theirs, seeded.id, 1, 2)).toBeNull();
  });

  it("finds nothing for a name or search from a crafted URL, rather than failing in the database", async () => {
    const tenant = await setup();
    const ctx = { tenantId: tenant.id };
    for (const name of ["al\u0000pha", " alpha", "ALPHA", "x".repeat(10_000)]) {
      expect(await getPromptByName(ctx, name), JSON.stringify(name.slice(0, 12))).toBeNull();
      expect(await findPromptVersionByName(ctx, name, 1)).toBeNull();
    }
    expect(await list(tenant, { q: "al\u0000pha" })).toEqual({ rows: [], total: 0 });
    expect(names(await list(tenant, { q: "ALPHA" }))).toEqual(["alpha"]);
  });

  it("lists a prompt's newest versions, not all of them, and counts those left out", async () => {
    const tenant = await seedTenant();
    await seedPrompt(tenant, { name: "often-saved", versions: [{}, {}, {}, {}, {}] });
    const prompt = await getPromptByName({ tenantId: tenant.id }, "often-saved", 3);
    expect(prompt?.versions.map((v) => v.version)).toEqual([5, 4, 3]);
    expect(prompt?.olderVersions).toBe(2);
    expect((await getPromptByName({ tenantId: tenant.id }, "often-saved"))?.olderVersions).toBe(0);
  });
});
