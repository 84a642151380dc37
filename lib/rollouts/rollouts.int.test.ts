import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { activateVersion, addVersion } from "@/lib/endpoints/actions";
import { JobQueue } from "@/lib/jobs/queue";
import { useTestDatabase } from "@/lib/testing/db";
import { startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { callerFor, seedMember } from "@/lib/testing/factories";
import { FAKE_PROVIDER_KEY, seedApiKey, seedGatewayTenant, seedProvider, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { cancelRollout, decideRollout, setRolloutGate, startRollout } from "./actions";
import { rolloutServing } from "./data";
import { RolloutGuard, guardRollouts } from "./guard";

const test = useTestDatabase();
// harness.fake serves the active version; `canary` serves the candidate.
const harness = useGatewayHarness();
let canary: FakeOpenAI;
let queue: JobQueue;
beforeAll(async () => {
  canary = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
  queue = await JobQueue.start(test.database.pool);
});
afterAll(async () => {
  await canary?.close();
  await queue?.stop();
});
beforeEach(() => canary.reset());

/** A tenant whose endpoint's active version is on harness.fake, a priced candidate on `canary`, and a developer and two approvers. */
async function seedRolloutTenant() {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  const provider = await seedProvider(s.tenant, { baseUrl: canary.baseUrl, apiKey: FAKE_PROVIDER_KEY });
  const candidate = await db().modelVersion.create({ data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "v2", providerId: provider.id, providerModel: "canary-model" } });
  const developer = (await seedMember(s.tenant, "DEVELOPER")).user;
  const approver = (await seedMember(s.tenant, "APPROVER")).user;
  const second = (await seedMember(s.tenant, "APPROVER")).user;
  return { ...s, candidate, developer, approver, second };
}

type Seeded = Awaited<ReturnType<typeof seedRolloutTenant>>;

async function start(s: Seeded, opts: { steps?: string; stickiness?: "KEY" | "USER"; burnInMinutes?: number; guards?: Record<string, unknown> } = {}) {
  const r = await startRollout.runAs(callerFor(s.developer), {
    tenant: s.tenant.slug, endpointId: s.endpoint.id, candidateVersionId: s.candidate.id, steps: opts.steps ?? "10, 50",
    stickiness: opts.stickiness ?? "USER", burnInMinutes: opts.burnInMinutes ?? 0, guards: opts.guards ?? {},
  });
  if (!r.ok) throw new Error(r.error);
  return r.data.rolloutId;
}

/** POSTs a chat completion and returns the version that answered (or null) and the status. */
async function ask(secret: string, model: string, user?: string): Promise<{ status: number; version: string | null }> {
  const res = await fetch(`${harness.gateway.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...(user ? { user } : {}) }),
  });
  await res.arrayBuffer();
  return { status: res.status, version: res.headers.get("x-keel-model-version") };
}

/** Runs `n` calls `concurrency` at a time, in order of i. */
async function many<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

describe("the route step's split", () => {
  it("sends the step's share of 2,000 end users to the candidate, within 4 standard deviations, and keeps each user on one side", async () => {
    const s = await seedRolloutTenant();
    await start(s, { steps: "10, 50", stickiness: "USER" });
    const first = await many(2_000, 16, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(first.every((r) => r.status === 200)).toBe(true);
    const toCandidate = first.filter((r) => r.version === s.candidate.id).length;
    // Binomial(2000, 0.1): mean 200, σ 13.4.
    expect(Math.abs(toCandidate - 200)).toBeLessThan(4 * Math.sqrt(2_000 * 0.1 * 0.9));
    expect(first.filter((r) => r.version !== s.candidate.id).every((r) => r.version === s.version.id)).toBe(true);
    expect(canary.requests.every((r) => r.body?.model === "canary-model")).toBe(true);
    // Stickiness: the same 300 users again, on the same key, each on the side it had.
    const again = await many(300, 16, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(again.map((r) => r.version)).toEqual(first.slice(0, 300).map((r) => r.version));
  });

  it("keeps each key on one side when sticky by key, whatever user its requests name", async () => {
    const s = await seedRolloutTenant();
    await start(s, { steps: "50", stickiness: "KEY" });
    const keys = await Promise.all(Array.from({ length: 40 }, () => seedApiKey(s.tenant)));
    const sides = await many(40, 8, async (k) => {
      const answers = await Promise.all([0, 1, 2].map((j) => ask(keys[k].secret, s.endpoint.name, `u-${k}-${j}`)));
      return new Set(answers.map((a) => a.version));
    });
    expect(sides.every((set) => set.size === 1)).toBe(true);
    const onCandidate = sides.filter((set) => set.has(s.candidate.id)).length;
    expect(onCandidate).toBeGreaterThan(5);
    expect(onCandidate).toBeLessThan(35);
  });

  it("a request without a user is kept by its key under USER stickiness; a cancelled rollout sends everyone back", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50", stickiness: "USER" });
    const keys = await Promise.all(Array.from({ length: 20 }, () => seedApiKey(s.tenant)));
    const firstPass = await many(20, 8, (k) => ask(keys[k].secret, s.endpoint.name));
    const secondPass = await many(20, 8, (k) => ask(keys[k].secret, s.endpoint.name));
    expect(secondPass.map((r) => r.version)).toEqual(firstPass.map((r) => r.version));
    expect(await cancelRollout.runAs(callerFor(s.developer), { tenant: s.tenant.slug, rolloutId })).toMatchObject({ ok: true });
    const after = await many(20, 8, (k) => ask(keys[k].secret, s.endpoint.name));
    expect(after.every((r) => r.version === s.version.id)).toBe(true);
  });
});

describe("the guard", () => {
  it("rolls back a candidate that starts failing, records the breach in the audit trail, alerts, and returns all traffic to the baseline", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50", guards: { minRequests: 20 } });
    canary.fail({ kind: "status", status: 500 }, 100_000);
    const before = await many(120, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(before.filter((r) => r.status >= 500).length).toBeGreaterThan(20);
    expect(await guardRollouts(test.database, queue)).toEqual([rolloutId]);

    const rollout = await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } });
    expect(rollout).toMatchObject({ status: "ROLLED_BACK" });
    expect(rollout.endReason).toContain("errors");
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: s.tenant.id, action: "rollout.rolled_back", resourceId: rolloutId } });
    expect(event).toMatchObject({ actorType: "SYSTEM", actorLabel: "rollout guard" });
    expect(JSON.stringify(event.after)).toContain('"guard":"errors"');
    expect(await db().alert.findMany({ where: { tenantId: s.tenant.id, kind: "ROLLBACK" } })).toHaveLength(1);

    // The gateway dropped the endpoint on the rollback: every user is on the baseline at once.
    const after = await many(60, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(after.every((r) => r.status === 200 && r.version === s.version.id)).toBe(true);
    // A second check finds nothing to do and raises no second alert.
    expect(await guardRollouts(test.database, queue)).toEqual([]);
    expect(await db().alert.count({ where: { tenantId: s.tenant.id, kind: "ROLLBACK" } })).toBe(1);
  });

  it("sees the candidate's failures that a fallback answered for, and records which version was chosen", async () => {
    const s = await seedRolloutTenant();
    const backup = await db().modelVersion.create({ data: { tenantId: s.tenant.id, endpointId: s.endpoint.id, label: "backup", providerId: s.provider.id, providerModel: "backup-model" } });
    await db().endpoint.update({ where: { id: s.endpoint.id }, data: { fallbackVersionIds: [backup.id] } });
    const rolloutId = await start(s, { steps: "50", guards: { minRequests: 20 } });
    canary.fail({ kind: "status", status: 500 }, 100_000);
    const answers = await many(120, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    // Every caller was answered: the candidate's side by the fallback.
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const rescued = answers.filter((r) => r.version === backup.id).length;
    expect(rescued).toBeGreaterThan(20);
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id, modelVersionId: backup.id, routedVersionId: s.candidate.id } })).toBe(rescued);
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id, modelVersionId: s.version.id, routedVersionId: { not: null } } })).toBe(0);
    expect(await guardRollouts(test.database, queue)).toEqual([rolloutId]);
  });

  it("rolls back a candidate whose evaluation since the rollout began scores clearly below the baseline's on the same dataset", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50" });
    const dataset = await db().evalDataset.create({ data: { tenantId: s.tenant.id, name: "golden", caseCount: 40, contentHash: "0".repeat(64), createdById: s.developer.id } });
    const run = (versionId: string, meanScore: number, meanCi: [number, number]) => db().evalRun.create({
      data: { tenantId: s.tenant.id, datasetId: dataset.id, endpointId: s.endpoint.id, versionId, scorer: "EXACT", passAt: 1, total: 40, status: "COMPLETED", summary: { meanScore, meanCi, cases: 40 }, finishedAt: new Date(), createdById: s.developer.id },
    });
    await run(s.version.id, 0.9, [0.8, 1]);
    await run(s.candidate.id, 0.86, [0.75, 0.97]); // lower, within the allowance
    expect(await guardRollouts(test.database, queue)).toEqual([]);
    await run(s.candidate.id, 0.6, [0.45, 0.75]);
    expect(await guardRollouts(test.database, queue)).toEqual([rolloutId]);
    expect((await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).endReason).toMatch(/evaluation \(evaluation score at most 0.05 below/);
  });

  it("leaves a healthy candidate running", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50", guards: { minRequests: 20 } });
    await many(120, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(await guardRollouts(test.database, queue)).toEqual([]);
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ status: "RUNNING" });
  });

  it("on the job queue, rolls a failing candidate back on its own within the check interval", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50", guards: { minRequests: 20 } });
    canary.fail({ kind: "status", status: 500 }, 100_000);
    await many(120, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    const guard = new RolloutGuard(test.database, queue, 1_000);
    await guard.start();
    try {
      await expect.poll(async () => (await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).status, { timeout: 20_000, interval: 250 }).toBe("ROLLED_BACK");
    } finally {
      await guard.stop();
    }
  });
});

describe("approvals", () => {
  it("promotes step by step with an approver who is not the requester, then to production", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "10, 50" });
    const decide = (who: { id: string }, verdict = "APPROVED") => decideRollout.runAs(callerFor(who), { tenant: s.tenant.slug, rolloutId, verdict, comment: "figures look fine" });
    expect(await decide(s.approver)).toMatchObject({ ok: true, data: { status: "RUNNING", waitingFor: 0 } });
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ stepIndex: 1 });
    const decision = await db().rolloutDecision.findFirstOrThrow({ where: { rolloutId, toStep: 1 } });
    expect(decision.evidence).toMatchObject({ baseline: { versionId: s.version.id }, candidate: { versionId: s.candidate.id } });
    expect(await decide(s.second)).toMatchObject({ ok: true, data: { status: "COMPLETED" } });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: s.endpoint.id } })).toMatchObject({ activeVersionId: s.candidate.id });
    const actions = (await db().auditEvent.findMany({ where: { tenantId: s.tenant.id }, orderBy: { seq: "asc" }, select: { action: true } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["rollout.started", "rollout.approved", "rollout.step_advanced", "endpoint.version_activated", "rollout.completed"]));
    const answered = await ask(s.secret, s.endpoint.name, "anyone");
    expect(answered.version).toBe(s.candidate.id);
    // A request the candidate answered leads to the rollout that released it, and who approved it.
    expect(await rolloutServing({ tenantId: s.tenant.id }, s.candidate.id, new Date())).toEqual({
      id: rolloutId, status: "COMPLETED", approvers: expect.arrayContaining([s.approver.email, s.second.email]),
    });
    expect(await rolloutServing({ tenantId: s.tenant.id }, s.version.id, new Date())).toBeNull();
  });

  it("never lets the requester decide on their own rollout, even after becoming an approver", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s);
    await db().membership.updateMany({ where: { tenantId: s.tenant.id, userId: s.developer.id }, data: { role: "APPROVER" } });
    const r = await decideRollout.runAs(callerFor(s.developer), { tenant: s.tenant.slug, rolloutId, verdict: "APPROVED", comment: "mine" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^You requested this rollout/) });
    expect(await db().rolloutDecision.count({ where: { rolloutId } })).toBe(0);
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ stepIndex: 0 });
  });

  it("needs two approvers where the tenant asks for two, and one approver cannot count twice", async () => {
    const s = await seedRolloutTenant();
    await db().tenant.update({ where: { id: s.tenant.id }, data: { rolloutApprovals: 2 } });
    const rolloutId = await start(s);
    const decide = (who: { id: string }) => decideRollout.runAs(callerFor(who), { tenant: s.tenant.slug, rolloutId, verdict: "APPROVED", comment: "ok" });
    expect(await decide(s.approver)).toMatchObject({ ok: true, data: { status: "RUNNING", waitingFor: 1 } });
    expect(await decide(s.approver)).toMatchObject({ ok: false, error: expect.stringMatching(/already approved/) });
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ stepIndex: 0 });
    expect(await decide(s.second)).toMatchObject({ ok: true, data: { status: "RUNNING", waitingFor: 0 } });
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ stepIndex: 1 });
  });

  it("lets an approver who approved still reject, and raises a rollback's alert that a crash kept back", async () => {
    const s = await seedRolloutTenant();
    await db().tenant.update({ where: { id: s.tenant.id }, data: { rolloutApprovals: 2 } });
    const rolloutId = await start(s);
    const decide = (verdict: string) => decideRollout.runAs(callerFor(s.approver), { tenant: s.tenant.slug, rolloutId, verdict, comment: "second thoughts" });
    expect(await decide("APPROVED")).toMatchObject({ ok: true, data: { waitingFor: 1 } });
    expect(await decide("REJECTED")).toMatchObject({ ok: true, data: { status: "REJECTED" } });
    // A rollback committed by an instance that died before raising its alert: the next check raises it.
    const other = await seedRolloutTenant();
    const lost = await start(other);
    await db().rollout.update({ where: { id: lost }, data: { status: "ROLLED_BACK", endReason: "Guard breached: errors", endedAt: new Date(Date.now() - 86_400_000) } });
    await guardRollouts(test.database, queue);
    expect(await db().alert.findMany({ where: { tenantId: other.tenant.id, kind: "ROLLBACK" }, select: { subjectId: true } })).toEqual([{ subjectId: lost }]);
  });

  it("refuses a decision before the burn-in ends, and a rejection sends all traffic back", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "50", burnInMinutes: 60 });
    const early = await decideRollout.runAs(callerFor(s.approver), { tenant: s.tenant.slug, rolloutId, verdict: "APPROVED", comment: "too soon" });
    expect(early).toMatchObject({ ok: false, error: expect.stringMatching(/burn-in ends at/) });
    const reject = await decideRollout.runAs(callerFor(s.approver), { tenant: s.tenant.slug, rolloutId, verdict: "REJECTED", comment: "not in this quarter" });
    expect(reject).toMatchObject({ ok: true, data: { status: "REJECTED" } });
    const after = await many(40, 8, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(after.every((r) => r.version === s.version.id)).toBe(true);
  });

  it("refuses a second running rollout, an unpriced candidate, another tenant's rollout, and switching the active version meanwhile", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s);
    const again = await startRollout.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, candidateVersionId: s.candidate.id, steps: "5", stickiness: "KEY", burnInMinutes: 0, guards: {} });
    expect(again).toMatchObject({ ok: false, error: expect.stringMatching(/already has a rollout running/) });
    const switched = await activateVersion.runAs(callerFor(s.developer), { tenant: s.tenant.slug, endpointId: s.endpoint.id, versionId: s.candidate.id });
    expect(switched).toMatchObject({ ok: false, error: expect.stringMatching(/rollout is running/) });
    const admin = (await seedMember(s.tenant, "ADMIN")).user; // may price, so may add a version that is active at once
    const added = await addVersion.runAs(callerFor(admin), {
      tenant: s.tenant.slug, endpointId: s.endpoint.id, label: "v3", providerId: s.provider.id, providerModel: "m", inputPricePerMTok: "0", outputPricePerMTok: "0", activate: "true",
    });
    expect(added).toMatchObject({ ok: false, error: expect.stringMatching(/rollout is running/) });

    const other = await seedRolloutTenant();
    await db().modelVersion.update({ where: { id: other.candidate.id }, data: { priced: false } });
    const unpriced = await startRollout.runAs(callerFor(other.developer), { tenant: other.tenant.slug, endpointId: other.endpoint.id, candidateVersionId: other.candidate.id, steps: "5", stickiness: "KEY", burnInMinutes: 0, guards: {} });
    expect(unpriced).toMatchObject({ ok: false, error: expect.stringMatching(/no prices yet/) });
    const foreign = await decideRollout.runAs(callerFor(other.approver), { tenant: other.tenant.slug, rolloutId, verdict: "APPROVED", comment: "not mine" });
    expect(foreign).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ status: "RUNNING", stepIndex: 0 });
  });

  it("refuses an approval while a guard is breached, and one made on a page the rollout has moved on from", async () => {
    const s = await seedRolloutTenant();
    const rolloutId = await start(s, { steps: "10, 50", guards: { minRequests: 20 } });
    const decide = (who: { id: string }, toStep: number) => decideRollout.runAs(callerFor(who), { tenant: s.tenant.slug, rolloutId, toStep, verdict: "APPROVED", comment: "ok" });
    expect(await decide(s.approver, 1)).toMatchObject({ ok: true, data: { waitingFor: 0 } });
    // The second approver's page still offered step 2: their approval must not promote to production.
    expect(await decide(s.second, 1)).toMatchObject({ ok: false, error: expect.stringMatching(/moved on since you loaded it/) });
    canary.fail({ kind: "status", status: 500 }, 100_000);
    await many(160, 12, (i) => ask(s.secret, s.endpoint.name, `user-${i}`));
    expect(await decide(s.second, 2)).toMatchObject({ ok: false, error: expect.stringMatching(/guard is breached \(errors/) });
    expect(await db().rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({ status: "RUNNING", stepIndex: 1 });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: s.endpoint.id } })).toMatchObject({ activeVersionId: s.version.id });
  });

  it("where the tenant gates promotions on evaluations, needs the candidate's newest to score enough", async () => {
    const s = await seedRolloutTenant();
    const dataset = await db().evalDataset.create({ data: { tenantId: s.tenant.id, name: "gate", caseCount: 2, contentHash: "0".repeat(64), createdById: s.developer.id } });
    const mine = await db().evalDataset.create({ data: { tenantId: s.tenant.id, name: "easy", caseCount: 1, contentHash: "1".repeat(64), createdById: s.developer.id } });
    const owner = (await seedMember(s.tenant, "OWNER")).user;
    const setGate = (input: Record<string, unknown>) => setRolloutGate.runAs(callerFor(owner), { tenant: s.tenant.slug, ...input });
    expect(await setGate({ minScore: "0.9", datasetId: "" })).toMatchObject({ ok: false, fieldErrors: { datasetId: expect.any(Array) } });
    expect(await setGate({ minScore: " ", datasetId: dataset.id })).toMatchObject({ ok: false, fieldErrors: { minScore: expect.any(Array) } });
    expect(await setGate({ minScore: "0.9", datasetId: dataset.id })).toMatchObject({ ok: true });
    expect(await db().auditEvent.count({ where: { tenantId: s.tenant.id, action: "tenant.rollout_gate_changed" } })).toBe(1);
    const rolloutId = await start(s);
    const decide = () => decideRollout.runAs(callerFor(s.approver), { tenant: s.tenant.slug, rolloutId, toStep: 1, verdict: "APPROVED", comment: "ok" });
    expect(await decide()).toMatchObject({ ok: false, error: expect.stringMatching(/v2 has no completed evaluation on gate yet/) });
    const run = (datasetId: string, meanScore: number, cases: number, finishedAt: Date) => db().evalRun.create({
      data: { tenantId: s.tenant.id, datasetId, endpointId: s.endpoint.id, versionId: s.candidate.id, scorer: "EXACT", passAt: 1, total: cases, status: "COMPLETED", summary: { meanScore, cases }, finishedAt, createdById: s.developer.id },
    });
    // A perfect score on a dataset the requester picked does not count: the gate names its dataset.
    await run(mine.id, 1, 1, new Date(Date.now() + 5_000));
    expect(await decide()).toMatchObject({ ok: false, error: expect.stringMatching(/no completed evaluation on gate/) });
    await run(dataset.id, 0.95, 2, new Date(Date.now() - 60_000));
    await run(dataset.id, 0.5, 2, new Date());
    expect(await decide()).toMatchObject({ ok: false, error: expect.stringMatching(/newest on gate scored 0.50, below 0.9/) });
    await run(dataset.id, 0.92, 2, new Date(Date.now() + 1_000));
    expect(await decide()).toMatchObject({ ok: true, data: { waitingFor: 0 } });
  });

  it("refuses bad input with every field's error and starts nothing", async () => {
    const s = await seedRolloutTenant();
    const r = await startRollout.runAs(callerFor(s.developer), {
      tenant: s.tenant.slug, endpointId: s.endpoint.id, candidateVersionId: s.candidate.id, steps: "50, 10", stickiness: "EVERYONE", burnInMinutes: "-1", guards: { maxLatencyRatio: "0.5" },
    });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ fieldErrors: { steps: [expect.stringMatching(/more traffic than the one before/)], stickiness: expect.any(Array), burnInMinutes: expect.any(Array) } });
    expect(await db().rollout.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });
});
