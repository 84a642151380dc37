import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { activateVersion, setFallbackVersions } from "@/lib/endpoints/actions";
import { startRollout, decideRollout } from "@/lib/rollouts/actions";
import { mintConsoleToken } from "@/lib/gateway/console-token";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember } from "@/lib/testing/factories";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { retireVersion, updateVersionCard } from "./actions";
import { getCatalogVersion, listCatalog } from "./data";

useTestDatabase();
const SECRET = "catalog-test-secret-catalog-test-secret";
const harness = useGatewayHarness({ consoleSecret: SECRET });

async function seed() {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  const owner = (await seedMember(s.tenant, "OWNER")).user;
  const developer = (await seedMember(s.tenant, "DEVELOPER")).user;
  const approver = (await seedMember(s.tenant, "APPROVER")).user;
  // The seeded active version served before Keel marked releases; a real one is marked when it is activated.
  await db().modelVersion.update({ where: { id: s.version.id }, data: { releasedAt: new Date() } });
  const draft = await db().modelVersion.create({ data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "v2", providerId: s.provider.id, providerModel: "tuned-model" } });
  return { ...s, owner, developer, approver, draft };
}

const status = async (tenantId: string, id: string) => (await getCatalogVersion({ tenantId }, id))!.status;

describe("the catalog", () => {
  it("derives each version's status from what serves, and filters by it in the database", async () => {
    const s = await seed();
    expect(await status(s.tenant.id, s.version.id)).toBe("production");
    expect(await status(s.tenant.id, s.draft.id)).toBe("draft");
    const started = await startRollout.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, candidateVersionId: s.draft.id, steps: "10", stickiness: "KEY", burnInMinutes: 0, guards: {} });
    expect(started.ok).toBe(true);
    expect(await status(s.tenant.id, s.draft.id)).toBe("staging");
    const rolloutId = (started as { data: { rolloutId: string } }).data.rolloutId;
    expect(await decideRollout.runAs(callerFor(s.approver), { tenant: s.tenant.slug, rolloutId, toStep: 1, verdict: "APPROVED", comment: "good" })).toMatchObject({ ok: true, data: { status: "COMPLETED" } });
    expect(await status(s.tenant.id, s.draft.id)).toBe("production");
    expect(await status(s.tenant.id, s.version.id)).toBe("retired");
    const page = await listCatalog({ tenantId: s.tenant.id }, { status: "production", page: 1, pageSize: 10 });
    expect(page).toMatchObject({ total: 1, rows: [{ id: s.draft.id, status: "production", endpointName: s.endpoint.name }] });

    // Which version served the endpoint when, from the signed trail, and who approved the rollout that switched it.
    const v2 = await getCatalogVersion({ tenantId: s.tenant.id }, s.draft.id);
    expect(v2!.history[0]).toMatchObject({ versionId: s.draft.id, to: null, action: "endpoint.version_activated", rolloutId });
    expect(v2!.rollouts).toEqual([expect.objectContaining({ id: rolloutId, status: "COMPLETED", approvers: [s.approver.email] })]);
  });

  it("takes a draft's card and lineage, and fixes them once the version has served", async () => {
    const s = await seed();
    const card = {
      tenant: s.tenant.slug, versionId: s.draft.id, artifactDigest: "sha256:3f2a9c01", baseModel: "llama-3-8b", datasetName: "support-2026-11", datasetUri: "s3://data/support.jsonl",
      datasetHash: "sha256:aa11", hyperparameters: '{"epochs": 3}', fineTuneJobId: "ftjob-1", ownerId: s.developer.id, intendedUse: "Support answers", limitations: "English only", risks: "May invent policy",
    };
    expect(await updateVersionCard.runAs(callerFor(s.developer), card)).toMatchObject({ ok: true });
    const v2 = await getCatalogVersion({ tenantId: s.tenant.id }, s.draft.id);
    expect(v2).toMatchObject({
      artifactDigest: "sha256:3f2a9c01", baseModel: "llama-3-8b", dataset: { name: "support-2026-11", uri: "s3://data/support.jsonl", hash: "sha256:aa11" },
      hyperparameters: { epochs: 3 }, fineTuneJobId: "ftjob-1", owner: s.developer.email, modelCard: { intendedUse: "Support answers", limitations: "English only", risks: "May invent policy" }, editable: true,
    });
    expect(await updateVersionCard.runAs(callerFor(s.developer), { ...card, hyperparameters: "[1]", artifactDigest: "nope" })).toMatchObject({
      ok: false, fieldErrors: { hyperparameters: [expect.stringMatching(/JSON object/)], artifactDigest: [expect.stringMatching(/algorithm:value/)] },
    });
    expect(await activateVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionId: s.draft.id })).toMatchObject({ ok: true });
    expect(await updateVersionCard.runAs(callerFor(s.developer), { ...card, risks: "none" })).toMatchObject({ ok: false, error: expect.stringMatching(/has served, so its entry is fixed/) });
    expect((await getCatalogVersion({ tenantId: s.tenant.id }, s.draft.id))!.modelCard.risks).toBe("May invent policy");
  });

  it("retires only a version that serves nowhere, and a retired version never serves again", async () => {
    const s = await seed();
    expect(await retireVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, versionId: s.version.id })).toMatchObject({ ok: false, error: expect.stringMatching(/is the active version/) });
    expect(await setFallbackVersions.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionIds: [s.draft.id] })).toMatchObject({ ok: true });
    expect(await retireVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, versionId: s.draft.id })).toMatchObject({ ok: false, error: expect.stringMatching(/is a fallback/) });
    expect(await setFallbackVersions.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionIds: [] })).toMatchObject({ ok: true });
    expect(await retireVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, versionId: s.draft.id })).toMatchObject({ ok: true });
    expect(await status(s.tenant.id, s.draft.id)).toBe("retired");
    expect(await activateVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionId: s.draft.id })).toMatchObject({ ok: false, error: expect.stringMatching(/retired and may not serve again/) });
    const rollout = await startRollout.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, candidateVersionId: s.draft.id, steps: "10", stickiness: "KEY", burnInMinutes: 0, guards: {} });
    expect(rollout).toMatchObject({ ok: false, error: expect.stringMatching(/retired/) });
    // Not even a console caller pinning it (the playground) gets it: the gateway no longer serves it.
    const pinned = mintConsoleToken({ tenantId: s.tenant.id, userId: s.developer.id, versionId: s.draft.id }, SECRET);
    const res = await fetch(`${harness.gateway.url}/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${pinned}`, "content-type": "application/json" },
      body: JSON.stringify({ model: s.endpoint.name, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(404);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("keeps other tenants' versions out of reach", async () => {
    const s = await seed();
    const other = await seed();
    expect(await getCatalogVersion({ tenantId: other.tenant.id }, s.draft.id)).toBeNull();
    expect(await updateVersionCard.runAs(callerFor(other.developer), { tenant: other.tenant.slug, versionId: s.draft.id, baseModel: "x" })).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    expect(await retireVersion.runAs(callerFor(other.developer), { tenant: other.tenant.slug, versionId: s.draft.id })).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    expect(await updateVersionCard.runAs(callerFor(s.developer), { tenant: s.tenant.slug, versionId: s.draft.id, ownerId: other.developer.id })).toMatchObject({ ok: false, fieldErrors: { ownerId: expect.any(Array) } });
  });
});
