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

  it("keeps the end user a request names in its record, under the MAC and the seal: an edit to it, or clearing it, fails verification", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret);
    const long = "é😀".repeat(200); // 400 code points: the record keeps the first 256, never half a pair
    for (const user of ["alice@example.com", long]) await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }], user });
    const stream = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "s" }], stream: true, user: "bob" });
    for await (const chunk of stream) void chunk;
    await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "anonymous" }] });
    // A NUL or a lone surrogate is no end user: a 400 naming the field, and nothing recorded.
    for (const user of ["a\u0000b", "a\ud800b"]) {
      await expect(client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "x" }], user })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/user/) });
    }

    const records = await db().requestRecord.findMany({ where: { tenantId: s.tenant.id }, orderBy: { createdAt: "asc" } });
    expect(records.map((r) => r.endUser)).toEqual(["alice@example.com", Array.from(long).slice(0, 256).join(""), "bob", null]);
    await sleep(5);
    await sealTenantRequests(getDatabase().pool, s.tenant.id, { marginMs: 0 });
    expect((await verifyTrails(db(), s.tenant.id)).requests).toMatchObject({ ok: true, sealed: 4 });

    // Someone with the database password moves alice's spend to another end user, then clears it.
    for (const endUser of ["mallory", null]) {
      await db().$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`ALTER TABLE "RequestRecord" DISABLE TRIGGER USER`);
        await tx.$executeRawUnsafe(`UPDATE "RequestRecord" SET "endUser" = $2 WHERE "id" = $1`, records[0].id, endUser);
        await tx.$executeRawUnsafe(`ALTER TABLE "RequestRecord" ENABLE TRIGGER USER`);
      });
      const verdict = (await verifyTrails(db(), s.tenant.id)).requests;
      expect(verdict.ok).toBe(false);
      expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: "edited", recordId: records[0].id }));
    }
  });
});
