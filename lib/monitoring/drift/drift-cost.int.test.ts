import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { findVersionDrift } from "./data";
import { compareEmbeddings } from "./embedding-stats";

vi.mock("./embedding-stats", async (original) => {
  const actual = await original<typeof import("./embedding-stats")>();
  return { ...actual, compareEmbeddings: vi.fn(actual.compareEmbeddings) };
});

useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const unit = (axis: number) => Array.from({ length: 512 }, (_, i) => (i === axis ? 1 : 0));

describe("input drift on the shared process", () => {
  it("a viewer reloading a version's page runs the permutation test once, and again only when the samples change", async () => {
    const tenant = await seedTenant();
    const provider = await db().provider.create({ data: { tenantId: tenant.id, name: "p", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
    const endpoint = await db().endpoint.create({ data: { tenantId: tenant.id, name: "chat", kind: "CHAT" } });
    const now = Date.now();
    const refFrom = Math.floor(now / DAY) * DAY - 10 * DAY;
    const version = await db().modelVersion.create({
      data: { tenantId: tenant.id, endpointId: endpoint.id, label: "v1", providerId: provider.id, providerModel: "m", driftReferenceFrom: new Date(refFrom), driftReferenceTo: new Date(refFrom + 3 * DAY) },
    });
    const sample = (at: number, axis: number) => ({ id: crypto.randomUUID(), tenantId: tenant.id, versionId: version.id, createdAt: new Date(at), expiresAt: new Date(now + DAY), embedding: unit(axis) });
    const current = Math.floor(now / HOUR) * HOUR - DAY;
    await db().inputSample.createMany({ data: [...Array.from({ length: 60 }, (_, i) => sample(refFrom + i * HOUR, 0)), ...Array.from({ length: 60 }, (_, i) => sample(current + i * 60_000, 1))] });

    const calls = vi.mocked(compareEmbeddings);
    calls.mockClear();
    const first = await findVersionDrift({ tenantId: tenant.id }, version.id);
    for (let i = 0; i < 5; i++) expect((await findVersionDrift({ tenantId: tenant.id }, version.id)).drift).toEqual(first.drift);
    expect(first.drift?.metrics.inputs).toMatchObject({ reference: 60, current: 60, drifted: true });
    expect(calls).toHaveBeenCalledTimes(1);

    // A new sample is a new finding, not the kept one.
    await db().inputSample.create({ data: sample(current + 2 * HOUR, 1) });
    expect((await findVersionDrift({ tenantId: tenant.id }, version.id)).drift?.metrics.inputs.current).toBe(61);
    expect(calls).toHaveBeenCalledTimes(2);
  });
});
