import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { seedEndpoint, seedProvider } from "@/lib/testing/gateway-factories";
import { listEndpointNames, listEndpoints, type EndpointListParams } from "./data";

useTestDatabase();

/** Five endpoints of mixed kind and status, created on known days, in an order that differs from their names'. */
async function setup() {
  const tenant = await seedTenant();
  const provider = await seedProvider(tenant);
  const specs = [
    { name: "alpha-chat", kind: "CHAT", disabled: false, day: 3 },
    { name: "bravo-chat", kind: "CHAT", disabled: false, day: 1 },
    { name: "charlie-embed", kind: "EMBEDDINGS", disabled: false, day: 5 },
    { name: "delta-chat", kind: "CHAT", disabled: true, day: 2 },
    { name: "echo-embed", kind: "EMBEDDINGS", disabled: true, day: 4 },
  ] as const;
  for (const s of specs) {
    const { endpoint } = await seedEndpoint(tenant, provider, { name: s.name, kind: s.kind, disabled: s.disabled, inputPricePerMTok: "0.5", outputPricePerMTok: "1.5" });
    await db().endpoint.update({ where: { id: endpoint.id }, data: { createdAt: new Date(Date.UTC(2024, 0, s.day)) } });
  }
  return { tenant, provider };
}

const list = (tenant: { id: string }, params: Partial<EndpointListParams> = {}) =>
  listEndpoints({ tenantId: tenant.id }, { page: 1, pageSize: 25, sort: "name", dir: "asc", ...params });
const names = (r: { rows: { name: string }[] }) => r.rows.map((e) => e.name);

describe("listEndpoints", () => {
  it("returns each page's slice and the total across pages", async () => {
    const { tenant } = await setup();
    const pages = await Promise.all([1, 2, 3, 4].map((page) => list(tenant, { page, pageSize: 2 })));
    expect(pages.map(names)).toEqual([["alpha-chat", "bravo-chat"], ["charlie-embed", "delta-chat"], ["echo-embed"], []]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
  });

  it("sorts by name and by creation, either way", async () => {
    const { tenant } = await setup();
    expect(names(await list(tenant, { dir: "desc" }))).toEqual(["echo-embed", "delta-chat", "charlie-embed", "bravo-chat", "alpha-chat"]);
    expect(names(await list(tenant, { sort: "createdAt", dir: "asc" }))).toEqual(["bravo-chat", "delta-chat", "alpha-chat", "echo-embed", "charlie-embed"]);
    expect(names(await list(tenant, { sort: "createdAt", dir: "desc" }))).toEqual(["charlie-embed", "echo-embed", "alpha-chat", "delta-chat", "bravo-chat"]);
  });

  it("narrows by part of the name in any case, by kind and by status, and counts only the matches", async () => {
    const { tenant } = await setup();
    expect(await list(tenant, { q: "CHAT" })).toMatchObject({ total: 3, rows: [{ name: "alpha-chat" }, { name: "bravo-chat" }, { name: "delta-chat" }] });
    expect(names(await list(tenant, { kind: "EMBEDDINGS" }))).toEqual(["charlie-embed", "echo-embed"]);
    expect(names(await list(tenant, { enabled: false }))).toEqual(["delta-chat", "echo-embed"]);
    expect(await list(tenant, { kind: "CHAT", enabled: true, pageSize: 1 })).toMatchObject({ total: 2, rows: [{ name: "alpha-chat" }] });
    expect(await list(tenant, { q: "nothing-like-this" })).toEqual({ rows: [], total: 0 });
  });

  it("shows what the list needs: active version, provider, prices, version count, status", async () => {
    const { tenant, provider } = await setup();
    const { rows } = await list(tenant, { q: "delta" });
    expect(rows).toEqual([
      expect.objectContaining({
        name: "delta-chat",
        kind: "CHAT",
        enabled: false,
        versions: 1,
        createdAt: new Date(Date.UTC(2024, 0, 2)),
        active: expect.objectContaining({ label: "v1", providerName: provider.name, providerModel: "fake-chat", inputPricePerMTok: "0.5", outputPricePerMTok: "1.5" }),
      }),
    ]);
  });

  it("never shows another tenant's endpoints, even with the same name", async () => {
    const { tenant } = await setup();
    const other = await seedTenant();
    const otherProvider = await seedProvider(other);
    const { endpoint: twin } = await seedEndpoint(other, otherProvider, { name: "alpha-chat" });
    await seedEndpoint(other, otherProvider, { name: "foxtrot-chat" });

    const mine = await list(tenant);
    expect(mine.total).toBe(5);
    expect(mine.rows.map((e) => e.id)).not.toContain(twin.id);
    expect(await list(tenant, { q: "foxtrot" })).toEqual({ rows: [], total: 0 });
    expect(await listEndpointNames({ tenantId: tenant.id })).toEqual(["alpha-chat", "bravo-chat", "charlie-embed", "delta-chat", "echo-embed"]);
    expect(await list(other)).toMatchObject({ total: 2, rows: [{ id: twin.id }, { name: "foxtrot-chat" }] });
  });
});
