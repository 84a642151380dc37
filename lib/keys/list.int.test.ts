import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { seedApiKey } from "@/lib/testing/gateway-factories";
import { listApiKeys, type ApiKeyListParams } from "./data";

useTestDatabase();

const day = (month: number, d: number) => new Date(Date.UTC(2024, month - 1, d));
const DAY_MS = 24 * 60 * 60 * 1000;

/** Two active keys, one expired, two revoked (one of them also past its expiry); two never used. */
async function setup() {
  const tenant = await seedTenant();
  const past = new Date(Date.now() - DAY_MS);
  const future = new Date(Date.now() + 30 * DAY_MS);
  await seedApiKey(tenant, { name: "web app", createdAt: day(1, 1), lastUsedAt: day(3, 2) });
  await seedApiKey(tenant, { name: "batch job", createdAt: day(1, 2), expiresAt: future });
  await seedApiKey(tenant, { name: "old cron", createdAt: day(1, 3), expiresAt: past, lastUsedAt: day(2, 1) });
  await seedApiKey(tenant, { name: "web crawler", createdAt: day(1, 4), expiresAt: past, revokedAt: past, lastUsedAt: day(3, 1) });
  await seedApiKey(tenant, { name: "mobile app", createdAt: day(1, 5), revokedAt: past });
  return { tenant };
}

const list = (tenant: { id: string }, params: Partial<ApiKeyListParams> = {}) =>
  listApiKeys({ tenantId: tenant.id }, { page: 1, pageSize: 25, sort: "createdAt", dir: "desc", ...params });
const names = (r: { rows: { name: string }[] }) => r.rows.map((k) => k.name);

describe("listApiKeys", () => {
  it("returns each page's slice, newest first, and the total across pages", async () => {
    const { tenant } = await setup();
    const pages = await Promise.all([1, 2, 3, 4].map((page) => list(tenant, { page, pageSize: 2 })));
    expect(pages.map(names)).toEqual([["mobile app", "web crawler"], ["old cron", "batch job"], ["web app"], []]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
  });

  it("sorts by name, by creation and by last use, with keys never used last either way", async () => {
    const { tenant } = await setup();
    expect(names(await list(tenant, { sort: "name", dir: "asc" }))).toEqual(["batch job", "mobile app", "old cron", "web app", "web crawler"]);
    expect(names(await list(tenant, { sort: "createdAt", dir: "asc" }))).toEqual(["web app", "batch job", "old cron", "web crawler", "mobile app"]);
    const recent = names(await list(tenant, { sort: "lastUsedAt", dir: "desc" }));
    expect(recent.slice(0, 3)).toEqual(["web app", "web crawler", "old cron"]);
    expect(recent.slice(3).sort()).toEqual(["batch job", "mobile app"]);
    const stale = names(await list(tenant, { sort: "lastUsedAt", dir: "asc" }));
    expect(stale.slice(0, 3)).toEqual(["old cron", "web crawler", "web app"]);
  });

  it("narrows by part of the name in any case and by status, and shows the status it filtered on", async () => {
    const { tenant } = await setup();
    expect(names(await list(tenant, { q: "WEB", sort: "name", dir: "asc" }))).toEqual(["web app", "web crawler"]);
    const byStatus = async (status: ApiKeyListParams["status"]) => {
      const r = await list(tenant, { status, sort: "name", dir: "asc" });
      expect(r.rows.every((k) => k.status === status)).toBe(true);
      return { names: names(r), total: r.total };
    };
    expect(await byStatus("active")).toEqual({ names: ["batch job", "web app"], total: 2 });
    expect(await byStatus("expired")).toEqual({ names: ["old cron"], total: 1 });
    expect(await byStatus("revoked")).toEqual({ names: ["mobile app", "web crawler"], total: 2 });
    expect(await list(tenant, { q: "web", status: "active" })).toMatchObject({ total: 1, rows: [{ name: "web app", status: "active" }] });
  });

  it("shows the prefix and settings, never the hash", async () => {
    const { tenant } = await setup();
    const { rows } = await list(tenant);
    expect(rows).toHaveLength(5);
    for (const k of rows) {
      expect(k.prefix).toMatch(/^keel_/);
      expect(k).not.toHaveProperty("secretHash");
    }
  });

  it("never shows another tenant's keys, even with the same name", async () => {
    const { tenant } = await setup();
    const other = await seedTenant();
    const { key: twin } = await seedApiKey(other, { name: "web app" });
    await seedApiKey(other, { name: "partner sync" });

    const mine = await list(tenant);
    expect(mine.total).toBe(5);
    expect(mine.rows.map((k) => k.id)).not.toContain(twin.id);
    expect(await list(tenant, { q: "partner" })).toEqual({ rows: [], total: 0 });
    expect(await list(other, { sort: "name", dir: "asc" })).toMatchObject({ total: 2, rows: [{ name: "partner sync" }, { id: twin.id }] });
  });
});
