import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { db, getDatabase } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { sealTenantRequests } from "./seal-requests";
import { verifyTrails } from "./verify-trails";

useTestDatabase();
const harness = useGatewayHarness();

describe("gateway records, sealed", () => {
  it("authenticates what the gateway writes, priced and streamed, and seals it into a chain that verifies", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { inputPricePerMTok: "2.5", outputPricePerMTok: "10" } });
    const client = harness.gateway.client(s.secret);
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: `hi ${i}` }] });
    const stream = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "stream" }], stream: true });
    for await (const chunk of stream) void chunk;
    await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }).catch(() => undefined);

    const records = await db().requestRecord.findMany({ where: { tenantId: s.tenant.id } });
    expect(records.length).toBeGreaterThanOrEqual(5);
    expect(records.every((r) => /^test:[0-9a-f]{64}$/.test(r.mac ?? ""))).toBe(true);
    expect(records.some((r) => Number(r.costUsd) > 0)).toBe(true);

    await sleep(5);
    expect(await sealTenantRequests(getDatabase().pool, s.tenant.id, { marginMs: 0 })).toMatchObject({ count: records.length });
    const verdict = await verifyTrails(db(), s.tenant.id);
    expect(verdict.audit).toMatchObject({ ok: true, signedHead: { valid: true } });
    expect(verdict.requests).toMatchObject({ ok: true, sealed: records.length, seals: 1, unsealed: 0 });
    expect(verdict.publicKeys).toMatch(/^test:/);
  });
});
