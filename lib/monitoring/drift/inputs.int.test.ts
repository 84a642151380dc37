import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { seedTenant } from "@/lib/testing/factories";
import { useTestDatabase } from "@/lib/testing/db";
import { seedEndpoint, seedProvider } from "@/lib/testing/gateway-factories";
import { BuiltinEmbeddingModel } from "@/lib/providers/builtin/embedding-model";
import { rollupTenant } from "../rollup";
import { purgeInputSamples, sampleInputs } from "./inputs";
import { driftAlerts, versionDrift } from "./versions";

const test = useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const model = new BuiltinEmbeddingModel();
const embed = async (texts: string[]) => (await model.embed(texts, AbortSignal.timeout(120_000))).vectors;

let seed = 5;
const pick = <T>(xs: readonly T[]) => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length];
/** Support questions about accounts and billing, in many wordings. */
const support = () =>
  `${pick(["How do I", "Can I", "Is it possible to", "Please help me", "What is the way to"])} ${pick(["reset my password", "change the email on my account", "update my billing address", "cancel my subscription", "download last month's invoice", "add a teammate to my workspace"])} ${pick(["today", "on the mobile app", "from the settings page", "without losing my data", ""])}?`;
/** Cooking questions: what the version is asked once its traffic changed. */
const cooking = () =>
  `${pick(["How long should I", "What temperature do I need to", "Any tips to", "What is the best way to"])} ${pick(["roast a chicken", "bake sourdough bread", "simmer a tomato sauce", "grill salmon fillets", "caramelize onions", "make fresh pasta"])} ${pick(["for dinner", "with garlic and thyme", "in a cast iron pan", "for six people", ""])}?`;

/** Records with kept content for a version, `n` of them spread over [from, from + span). */
async function traffic(tenantId: string, endpointId: string, versionId: string, from: number, span: number, n: number, ask: () => string) {
  const rows = Array.from({ length: n }, (_, i) => ({ id: crypto.randomUUID(), at: new Date(from + Math.floor((i / n) * span)), input: `user: ${ask()}` }));
  await db().requestRecord.createMany({
    data: rows.map((r) => ({ id: r.id, tenantId, endpointId, modelVersionId: versionId, route: "chat.completions", status: 200, latencyMs: 50, createdAt: r.at })),
  });
  await db().requestContent.createMany({
    data: rows.map((r) => ({ id: r.id, tenantId, input: r.input, output: "ok", redactions: 0, createdAt: r.at, expiresAt: new Date(r.at.getTime() + 30 * DAY) })),
  });
}

describe("input drift", { timeout: 180_000 }, () => {
  it("samples kept inputs as vectors only, flags the version whose questions changed and not the one whose did not, and lets them expire", async () => {
    const tenant = await seedTenant();
    await db().tenant.update({ where: { id: tenant.id }, data: { contentRetentionDays: 30 } });
    const provider = await seedProvider(tenant);
    const steady = await seedEndpoint(tenant, provider, { name: "steady" });
    const moved = await seedEndpoint(tenant, provider, { name: "moved" });
    const now = Date.UTC(2026, 11, 20, 12);
    const refFrom = now - 10 * DAY;
    const curFrom = Math.floor(now / HOUR) * HOUR - DAY;
    for (const s of [steady, moved]) {
      await db().modelVersion.update({ where: { id: s.version.id }, data: { driftReferenceFrom: new Date(refFrom), driftReferenceTo: new Date(refFrom + 3 * DAY) } });
      await traffic(tenant.id, s.endpoint.id, s.version.id, refFrom, 3 * DAY, 90, support);
    }
    await traffic(tenant.id, steady.endpoint.id, steady.version.id, curFrom, DAY, 90, support);
    await traffic(tenant.id, moved.endpoint.id, moved.version.id, curFrom, DAY, 90, cooking);

    // Another tenant's kept content is never sampled into this one's.
    const other = await seedTenant();
    await db().tenant.update({ where: { id: other.id }, data: { contentRetentionDays: 30 } });
    const otherEp = await seedEndpoint(other, await seedProvider(other));
    await traffic(other.id, otherEp.endpoint.id, otherEp.version.id, curFrom, DAY, 20, cooking);

    for (const [from, span] of [[refFrom, 3 * DAY], [curFrom, DAY]]) {
      expect(await sampleInputs(db(), embed, tenant.id, { from: new Date(from), to: new Date(from + span) }, { perRun: 70 })).toBe(140);
    }
    const samples = await db().inputSample.findMany({ where: { tenantId: tenant.id } });
    expect(samples).toHaveLength(280);
    expect(new Set(samples.map((s) => s.versionId))).toEqual(new Set([steady.version.id, moved.version.id]));
    expect(samples.every((s) => s.embedding.length === 512)).toBe(true);
    // Sampling again takes new inputs only.
    expect(await sampleInputs(db(), embed, tenant.id, { from: new Date(curFrom), to: new Date(curFrom + DAY) }, { perRun: 70 })).toBe(40);

    const still = (await versionDrift(db(), tenant.id, steady.version.id, now))!.metrics.inputs;
    const shifted = (await versionDrift(db(), tenant.id, moved.version.id, now))!.metrics.inputs;
    console.log(`input drift: unchanged questions distance ${still.stat.toFixed(3)} p ${still.p}; changed questions distance ${shifted.stat.toFixed(3)} p ${shifted.p}`);
    expect(still).toMatchObject({ enough: true, drifted: false });
    expect(shifted).toMatchObject({ enough: true, drifted: true, test: "permutation" });
    while (await rollupTenant(test.database.pool, tenant.id, { marginMs: 0, now: () => now }));
    const alerts = await driftAlerts(db(), tenant.id, now);
    expect(alerts.filter((a) => a.details.metric === "inputs").map((a) => a.subjectId)).toEqual([moved.version.id]);

    // Samples go when the content they came from expires.
    expect(await purgeInputSamples(test.database.pool, new Date(now + 40 * DAY))).toBeGreaterThanOrEqual(320);
    expect(await db().inputSample.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
