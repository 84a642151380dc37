import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { sealTenantRequests } from "@/lib/audit/seal-requests";
import { verifyTrails } from "@/lib/audit/verify-trails";
import { db, getDatabase } from "@/lib/db/client";
import { rollupTenant } from "@/lib/monitoring/rollup";
import { useTestDatabase } from "@/lib/testing/db";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

const test = useTestDatabase();
const harness = useGatewayHarness();

describe("finish reasons on the record", () => {
  it("keeps why each answer ended, refusals included, authenticates it, counts it in the rollups, and finds it cleared", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const client = harness.gateway.client(s.secret, { maxRetries: 0 });
    const ask = (content: string, extra: Record<string, unknown> = {}) =>
      client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content }], ...extra }).withResponse();
    const idOf = (r: { response: Response }) => r.response.headers.get("x-request-id")!;

    const stop = await ask("hello there");
    const length = await ask("a long question with many words", { max_tokens: 3 });
    const refused = await ask("[refuse] something");
    expect(refused.data.choices[0].message.refusal).toBe("I can't help with that.");
    const streamed = await client.chat.completions.create({ model: s.endpoint.name, messages: [{ role: "user", content: "[refuse] it" }], stream: true }).withResponse();
    let refusal = "";
    for await (const chunk of streamed.data) refusal += (chunk.choices[0]?.delta as { refusal?: string } | undefined)?.refusal ?? "";
    expect(refusal).toBe("I can't help with that.");
    harness.fake.fail({ kind: "status", status: 400, message: "bad" });
    await ask("fails").catch(() => undefined);

    const reasons = new Map((await db().requestRecord.findMany({ where: { tenantId: s.tenant.id } })).map((r) => [r.id, r.finishReason]));
    expect(reasons.get(idOf(stop))).toBe("stop");
    expect(reasons.get(idOf(length))).toBe("length");
    expect(reasons.get(idOf(refused))).toBe("refusal");
    expect(reasons.get(idOf(streamed))).toBe("refusal");
    expect([...reasons.values()].filter((r) => r === null)).toHaveLength(1);

    // The reason is part of what the record's MAC and its seal cover.
    await sleep(5);
    await sealTenantRequests(getDatabase().pool, s.tenant.id, { marginMs: 0 });
    expect((await verifyTrails(db(), s.tenant.id)).requests).toMatchObject({ ok: true, sealed: 5 });

    while (await rollupTenant(test.database.pool, s.tenant.id, { marginMs: 0 }));
    const [row] = await db().$queryRawUnsafe<{ f: Record<string, number> }[]>(
      `SELECT keel_counts_sum("finishReasons") AS f FROM "UsageRollup" WHERE "tenantId" = $1 AND "grain" = 'DAY' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`,
      s.tenant.id,
    );
    expect(row.f).toEqual({ stop: 1, length: 1, refusal: 2 });

    // Someone with the database password clears a refusal to hide it: the record no longer verifies.
    await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "RequestRecord" DISABLE TRIGGER USER`);
      await tx.$executeRawUnsafe(`UPDATE "RequestRecord" SET "finishReason" = NULL WHERE "id" = $1`, idOf(refused));
      await tx.$executeRawUnsafe(`ALTER TABLE "RequestRecord" ENABLE TRIGGER USER`);
    });
    const verdict = (await verifyTrails(db(), s.tenant.id)).requests;
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: "edited", recordId: idOf(refused) }));
  });
});
