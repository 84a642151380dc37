import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as verifyRoute } from "@/app/api/t/[tenant]/audit/verify/route";
import { GET as exportRoute } from "@/app/api/t/[tenant]/audit/export/route";
import { GET as exportManifestRoute } from "@/app/api/t/[tenant]/audit/export/manifest/route";
import { GET as costExportRoute } from "@/app/api/t/[tenant]/costs/export/route";
import { POST as tryEndpointRoute } from "@/app/api/t/[tenant]/endpoints/[endpointId]/try/route";
import { POST as playgroundRunRoute } from "@/app/api/t/[tenant]/playground/run/route";
import { GET as playgroundRunFiguresRoute } from "@/app/api/t/[tenant]/playground/runs/[requestId]/route";
import { POST as testProviderRoute } from "@/app/api/t/[tenant]/providers/[providerId]/test/route";
import * as accountActions from "@/lib/auth/actions";
import { ROLES, can, type Permission } from "@/lib/auth/permissions";
import * as endpointActions from "@/lib/endpoints/actions";
import * as keyActions from "@/lib/keys/actions";
import * as promptActions from "@/lib/prompts/actions";
import * as providerActions from "@/lib/providers/actions";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant, seedUser } from "@/lib/testing/factories";
import type { Action } from "./action";
import * as tenantActions from "./actions";
import * as settingsActions from "./settings-actions";
import * as alertActions from "@/lib/monitoring/alerts/actions";
import * as driftActions from "@/lib/monitoring/drift/actions";
import * as rolloutActions from "@/lib/rollouts/actions";
import * as evalActions from "@/lib/evals/actions";
import * as catalogActions from "@/lib/catalog/actions";
import * as fineTuneActions from "@/lib/finetune/actions";
import * as adminActions from "./admin-actions";
import { READ_PERMISSIONS } from "./scope";

// Route handlers read the session cookie through Next's request context; here it carries a
// real signed session token for whichever user the test acts as.
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "attack-matrix", "x-forwarded-for": "198.51.100.9" }),
  cookies: async () => ({ getAll: () => (request.cookie ? [{ name: "next-auth.session-token", value: request.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "attack-matrix-secret-attack-matrix";

useTestDatabase();

type Target = {
  slug: string;
  id: string;
  ownerMembershipId: string;
  viewerMembershipId: string;
  providerId: string;
  endpointId: string;
  idleVersionId: string;
  apiKeyId: string;
  promptId: string;
  alertId: string;
  rolloutId: string;
  datasetId: string;
  evalRunId: string;
  fineTuneJobId: string;
};
type Actor = { id: string; email: string };

/** Every server action, with a payload that would succeed for a permitted member of the target. */
const TENANT_MATRIX: Record<string, (t: Target) => Record<string, unknown>> = {
  inviteMember: (t) => ({ tenant: t.slug, email: "intruder@example.test", role: "OWNER" }),
  changeMemberRole: (t) => ({ tenant: t.slug, membershipId: t.viewerMembershipId, role: "ADMIN" }),
  removeMember: (t) => ({ tenant: t.slug, membershipId: t.viewerMembershipId }),
  createProvider: (t) => ({ tenant: t.slug, name: "intruder", baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-x" }),
  addBuiltinProvider: (t) => ({ tenant: t.slug }),
  updateProvider: (t) => ({ tenant: t.slug, providerId: t.providerId, baseUrl: "http://evil.example/v1", apiKey: "sk-evil" }),
  deleteProvider: (t) => ({ tenant: t.slug, providerId: t.providerId }),
  createEndpoint: (t) => ({
    tenant: t.slug, name: "intruder", kind: "CHAT", label: "v1", providerId: t.providerId, providerModel: "m",
    inputPricePerMTok: "0", outputPricePerMTok: "0",
  }),
  addVersion: (t) => ({
    tenant: t.slug, endpointId: t.endpointId, label: "evil", providerId: t.providerId, providerModel: "m",
    inputPricePerMTok: "0", outputPricePerMTok: "0", activate: "true",
  }),
  activateVersion: (t) => ({ tenant: t.slug, endpointId: t.endpointId, versionId: t.idleVersionId }),
  setFallbackVersions: (t) => ({ tenant: t.slug, endpointId: t.endpointId, versionIds: [t.idleVersionId] }),
  setVersionPrices: (t) => ({ tenant: t.slug, endpointId: t.endpointId, versionId: t.idleVersionId, inputPricePerMTok: "0", outputPricePerMTok: "0" }),
  updateEndpoint: (t) => ({ tenant: t.slug, endpointId: t.endpointId, enabled: "false" }),
  createApiKey: (t) => ({ tenant: t.slug, name: "intruder key" }),
  revokeApiKey: (t) => ({ tenant: t.slug, apiKeyId: t.apiKeyId }),
  setMonthlyBudget: (t) => ({ tenant: t.slug, monthlyBudgetUsd: "0" }),
  setContentRetention: (t) => ({ tenant: t.slug, mode: "content", contentRetentionDays: "30" }),
  createPrompt: (t) => ({ tenant: t.slug, name: "intruder-prompt", system: "Leak {{secrets}}", endpoint: "chat" }),
  savePromptVersion: (t) => ({ tenant: t.slug, promptId: t.promptId, system: "Hijacked", endpoint: "chat" }),
  restorePromptVersion: (t) => ({ tenant: t.slug, promptId: t.promptId, version: 1 }),
  deletePrompt: (t) => ({ tenant: t.slug, promptId: t.promptId, confirm: "greeting" }),
  acknowledgeAlert: (t) => ({ tenant: t.slug, alertId: t.alertId }),
  setAlertWebhook: (t) => ({ tenant: t.slug, url: "https://attacker.example/hook" }),
  setBudgetAlerts: (t) => ({ tenant: t.slug, percents: "1000" }),
  setDriftReference: (t) => ({ tenant: t.slug, endpointId: t.endpointId, versionId: t.idleVersionId, from: "2026-01-01", to: "2026-01-03" }),
  setKeyBudget: (t) => ({ tenant: t.slug, apiKeyId: t.apiKeyId, monthlyBudgetUsd: "0.01", mode: "HARD" }),
  startRollout: (t) => ({
    tenant: t.slug, endpointId: t.endpointId, candidateVersionId: t.idleVersionId, steps: "10", stickiness: "KEY", burnInMinutes: "0", guards: {},
  }),
  decideRollout: (t) => ({ tenant: t.slug, rolloutId: t.rolloutId, toStep: 1, verdict: "APPROVED", comment: "ship it" }),
  cancelRollout: (t) => ({ tenant: t.slug, rolloutId: t.rolloutId }),
  setRolloutApprovals: (t) => ({ tenant: t.slug, approvals: "2" }),
  setRolloutGate: (t) => ({ tenant: t.slug, minScore: "0.99", datasetId: t.datasetId }),
  importDataset: (t) => ({ tenant: t.slug, name: "intruder-set", format: "jsonl", content: '{"input": "leak", "expected": "x"}' }),
  startEvalRun: (t) => ({ tenant: t.slug, datasetId: t.datasetId, endpointId: t.endpointId, versionId: t.idleVersionId, scorer: "EXACT" }),
  cancelEvalRun: (t) => ({ tenant: t.slug, runId: t.evalRunId }),
  updateVersionCard: (t) => ({ tenant: t.slug, versionId: t.idleVersionId, baseModel: "attacker-base", risks: "none at all" }),
  retireVersion: (t) => ({ tenant: t.slug, versionId: t.idleVersionId }),
  launchFineTune: (t) => ({
    tenant: t.slug, providerId: t.providerId, endpointId: t.endpointId, baseModel: "m", trainingName: "stolen",
    training: JSON.stringify({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }] }),
  }),
  cancelFineTune: (t) => ({ tenant: t.slug, jobId: t.fineTuneJobId }),
};
const TENANT_MODULES = { ...tenantActions, ...settingsActions, ...providerActions, ...endpointActions, ...keyActions, ...promptActions, ...alertActions, ...driftActions, ...rolloutActions, ...evalActions, ...catalogActions, ...fineTuneActions } as unknown as Record<string, Action<unknown>>;
const PLATFORM_MATRIX: Record<string, (t: Target) => Record<string, unknown>> = {
  createTenant: () => ({ name: "Intruder Inc", slug: "intruder", ownerEmail: "intruder@example.test" }),
  setTenantStatus: (t) => ({ tenantId: t.id, status: "SUSPENDED" }),
};
/** These act only on the caller's own account; a test below shows they touch no one else. */
const SELF_ONLY = ["signOutEverywhere", "changePassword", "acceptInvitation"];

let target: Target;
let outsider: Actor; // an OWNER of another tenant
let outsiderOwn: { providerId: string; endpointId: string; versionId: string }; // that tenant's own resources
const byRole = {} as Record<(typeof ROLES)[number], Actor>; // one member of the target per role
let viewer: Actor; // a VIEWER of the target tenant
let platformAdmin: Actor; // the platform admin, a member of no tenant: reads any tenant, changes none
let otherTenantSlug: string;

async function snapshot() {
  const [providers, endpoints, versions, keys, prompts, promptVersions] = await Promise.all([
    db().provider.findMany({ orderBy: { id: "asc" } }),
    db().endpoint.findMany({ orderBy: { id: "asc" } }),
    db().modelVersion.findMany({ orderBy: { id: "asc" } }),
    db().apiKey.findMany({ orderBy: { id: "asc" } }),
    db().prompt.findMany({ orderBy: { id: "asc" } }),
    db().promptVersion.findMany({ orderBy: { id: "asc" } }),
  ]);
  const [tenants, memberships, users, events, invitations] = await Promise.all([
    db().tenant.findMany({
      orderBy: { id: "asc" },
      select: { id: true, slug: true, status: true, auditSeq: true, monthlyBudgetUsd: true, contentRetentionDays: true, budgetAlertPercents: true, alertWebhookUrl: true, alertWebhookSecret: true },
    }),
    db().membership.findMany({ orderBy: { id: "asc" }, select: { id: true, role: true, tenantId: true, userId: true } }),
    db().user.findMany({ orderBy: { id: "asc" }, select: { id: true, email: true, sessionVersion: true, passwordHash: true } }),
    db().auditEvent.count(),
    db().invitation.count(),
  ]);
  const alerts = await db().alert.findMany({ orderBy: { id: "asc" } });
  const rollouts = await db().rollout.findMany({ orderBy: { id: "asc" } });
  const decisions = await db().rolloutDecision.findMany({ orderBy: { id: "asc" } });
  const approvals = await db().tenant.findMany({ orderBy: { id: "asc" }, select: { rolloutApprovals: true, rolloutGateMinScore: true, rolloutGateDatasetId: true } });
  const [datasets, cases, evalRuns] = await Promise.all([
    db().evalDataset.findMany({ orderBy: { id: "asc" } }), db().evalCase.count(), db().evalRun.findMany({ orderBy: { id: "asc" } }),
  ]);
  const fineTunes = await db().fineTuneJob.findMany({ orderBy: { id: "asc" } });
  return { tenants, memberships, users, events, invitations, providers, endpoints, versions, keys, prompts, promptVersions, alerts, rollouts, decisions, approvals, datasets, cases, evalRuns, fineTunes };
}

beforeAll(async () => {
  const tenant = await seedTenant();
  const owner = await seedMember(tenant, "OWNER");
  const v = await seedMember(tenant, "VIEWER");
  const provider = await db().provider.create({ data: { tenantId: tenant.id, name: "upstream", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const endpoint = await db().endpoint.create({ data: { tenantId: tenant.id, name: "chat", kind: "CHAT" } });
  const version = (label: string) =>
    db().modelVersion.create({ data: { tenantId: tenant.id, endpointId: endpoint.id, label, providerId: provider.id, providerModel: "m" } });
  const active = await version("v1");
  const idle = await version("v2");
  await db().endpoint.update({ where: { id: endpoint.id }, data: { activeVersionId: active.id } });
  const key = await db().apiKey.create({ data: { tenantId: tenant.id, name: "app", prefix: "keel_abc", secretHash: "h".repeat(64) } });
  const prompt = await db().prompt.create({ data: { tenantId: tenant.id, name: "greeting", latestVersion: 2 } });
  for (const n of [1, 2]) {
    const content = { system: `Greeting ${n}`, messages: [], parameters: {} };
    await db().promptVersion.create({ data: { tenantId: tenant.id, promptId: prompt.id, version: n, content, endpointName: "chat" } });
  }
  const alert = await db().alert.create({
    data: { tenantId: tenant.id, kind: "BUDGET", severity: "WARNING", subjectType: "tenant", subjectId: tenant.id, title: "Spend reached 50%", details: {}, dedupeKey: "budget:test:50" },
  });
  // A running rollout of a third version, requested by someone else, with its burn-in over: an approver could decide on it.
  const canary = await version("v3");
  const requester = await seedMember(tenant, "DEVELOPER");
  const rollout = await db().rollout.create({
    data: {
      tenantId: tenant.id, endpointId: endpoint.id, baselineVersionId: active.id, candidateVersionId: canary.id, stepsBp: [1_000, 5_000],
      stickiness: "KEY", burnInMinutes: 0, guards: {}, requestedById: requester.user.id,
    },
  });
  const dataset = await db().evalDataset.create({ data: { tenantId: tenant.id, name: "golden", caseCount: 1, contentHash: "0".repeat(64), createdById: owner.user.id } });
  await db().evalCase.create({ data: { tenantId: tenant.id, datasetId: dataset.id, position: 0, messages: [{ role: "user", content: "hi" }], expected: "hi" } });
  const evalRun = await db().evalRun.create({
    data: { tenantId: tenant.id, datasetId: dataset.id, endpointId: endpoint.id, versionId: active.id, scorer: "EXACT", passAt: 1, total: 1, createdById: owner.user.id },
  });
  const fineTune = await db().fineTuneJob.create({
    data: { tenantId: tenant.id, providerId: provider.id, endpointId: endpoint.id, baseModel: "m", trainingName: "t", trainingHash: "0".repeat(64), trainingExamples: 1, trainingData: "{}", createdById: owner.user.id },
  });
  target = {
    alertId: alert.id,
    rolloutId: rollout.id,
    datasetId: dataset.id,
    evalRunId: evalRun.id,
    fineTuneJobId: fineTune.id,
    slug: tenant.slug, id: tenant.id, ownerMembershipId: owner.membership.id, viewerMembershipId: v.membership.id,
    providerId: provider.id, endpointId: endpoint.id, idleVersionId: idle.id, apiKeyId: key.id, promptId: prompt.id,
  };
  viewer = v.user;
  for (const role of ROLES) byRole[role] = role === "OWNER" ? owner.user : role === "VIEWER" ? v.user : (await seedMember(tenant, role)).user;
  const other = await seedTenant();
  otherTenantSlug = other.slug;
  outsider = (await seedMember(other, "OWNER")).user;
  const ownProvider = await db().provider.create({ data: { tenantId: other.id, name: "own", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const ownEndpoint = await db().endpoint.create({ data: { tenantId: other.id, name: "own-chat", kind: "CHAT" } });
  const ownVersion = await db().modelVersion.create({ data: { tenantId: other.id, endpointId: ownEndpoint.id, label: "v1", providerId: ownProvider.id, providerModel: "m" } });
  await db().endpoint.update({ where: { id: ownEndpoint.id }, data: { activeVersionId: ownVersion.id } });
  outsiderOwn = { providerId: ownProvider.id, endpointId: ownEndpoint.id, versionId: ownVersion.id };
  platformAdmin = await seedUser({ isPlatformAdmin: true });
});

describe("attack matrix", () => {
  it("covers every exported action", () => {
    const exported = [...Object.keys(TENANT_MODULES), ...Object.keys(adminActions), ...Object.keys(accountActions)].sort();
    expect(exported).toEqual([...Object.keys(TENANT_MATRIX), ...Object.keys(PLATFORM_MATRIX), ...SELF_ONLY].sort());
  });

  const cases: [string, () => Actor, RegExp][] = [
    ["a member of another tenant", () => outsider, /^Not found/],
    ["a VIEWER", () => viewer, /^Forbidden/],
  ];

  // The platform admin may open any tenant read-only, but holds no membership a tenant action accepts.
  for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
    it(`${name}: the platform admin, on a read-only visit, is refused and nothing changes`, async () => {
      const before = await snapshot();
      const r = await TENANT_MODULES[name].runAs(callerFor(platformAdmin), payload(target));
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
      expect(await snapshot()).toEqual(before);
    });
  }

  for (const [who, actor, expected] of cases) {
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      it(`${name}: ${who} is refused and nothing changes`, async () => {
        const before = await snapshot();
        const action = TENANT_MODULES[name];
        const r = await action.runAs(callerFor(actor()), payload(target));
        expect(r).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
        expect(await snapshot()).toEqual(before);
      });
    }
    for (const [name, payload] of Object.entries(PLATFORM_MATRIX)) {
      it(`${name}: ${who} is refused and nothing changes`, async () => {
        const before = await snapshot();
        const action = (adminActions as unknown as Record<string, Action<unknown>>)[name];
        const r = await action.runAs(callerFor(actor()), payload(target));
        expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
        expect(await snapshot()).toEqual(before);
      });
    }
  }

  // Every role of the target's own members against every action its role may not run.
  for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
    const permission = TENANT_MODULES[name].guard as Permission;
    for (const role of ROLES.filter((r) => !can(r, permission))) {
      it(`${name} (${permission}): a ${role} of the tenant is refused and nothing changes`, async () => {
        const before = await snapshot();
        const r = await TENANT_MODULES[name].runAs(callerFor(byRole[role]), payload(target));
        expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
        expect(await snapshot()).toEqual(before);
      });
    }
  }

  it("every tenant action names a tenant permission, and every platform action is the platform admin's", () => {
    for (const name of Object.keys(TENANT_MATRIX)) expect(TENANT_MODULES[name].guard, name).not.toMatch(/^(platform|self)$/);
    for (const name of Object.keys(PLATFORM_MATRIX)) expect((adminActions as unknown as Record<string, Action<unknown>>)[name].guard).toBe("platform");
  });

  it("prices are a manager's: a DEVELOPER who may build endpoints may not price them", async () => {
    for (const name of ["createEndpoint", "addVersion"]) {
      const before = await snapshot();
      const payload = { ...TENANT_MATRIX[name](target), name: "dev-priced", label: "dev-priced", inputPricePerMTok: "0", outputPricePerMTok: "0" };
      const r = await TENANT_MODULES[name].runAs(callerFor(byRole.DEVELOPER), payload);
      expect(r, name).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
      expect(await snapshot()).toEqual(before);
    }
  });

  it("mixed ownership: an owner's own endpoint or key with the target's provider, version or endpoint name gets nothing", async () => {
    const mine = { tenant: otherTenantSlug };
    const attempts: [string, Record<string, unknown>][] = [
      ["createEndpoint", { ...TENANT_MATRIX.createEndpoint(target), ...mine }],
      ["addVersion", { ...TENANT_MATRIX.addVersion(target), ...mine, endpointId: outsiderOwn.endpointId, providerId: target.providerId }],
      ["activateVersion", { ...mine, endpointId: outsiderOwn.endpointId, versionId: target.idleVersionId }],
      ["setFallbackVersions", { ...mine, endpointId: outsiderOwn.endpointId, versionIds: [target.idleVersionId] }],
      ["setVersionPrices", { ...TENANT_MATRIX.setVersionPrices(target), ...mine, endpointId: outsiderOwn.endpointId }],
      ["createApiKey", { ...mine, name: "mixed", allowedEndpoints: ["chat"] }],
      ["createPrompt", { ...TENANT_MATRIX.createPrompt(target), ...mine }],
      ["startRollout", { ...TENANT_MATRIX.startRollout(target), ...mine, endpointId: outsiderOwn.endpointId }],
      ["cancelRollout", { ...mine, rolloutId: target.rolloutId }],
      ["startEvalRun", { ...TENANT_MATRIX.startEvalRun(target), ...mine, endpointId: outsiderOwn.endpointId, versionId: outsiderOwn.versionId }],
      ["cancelEvalRun", { ...mine, runId: target.evalRunId }],
      ["updateVersionCard", { ...TENANT_MATRIX.updateVersionCard(target), ...mine }],
      ["retireVersion", { ...mine, versionId: target.idleVersionId }],
      ["launchFineTune", { ...TENANT_MATRIX.launchFineTune(target), ...mine }],
      ["cancelFineTune", { ...mine, jobId: target.fineTuneJobId }],
    ];
    for (const [name, payload] of attempts) {
      const before = await snapshot();
      const r = await TENANT_MODULES[name].runAs(callerFor(outsider), payload);
      expect(r, name).toMatchObject({ ok: false });
      expect(JSON.stringify(r), name).toMatch(/Not found|No endpoint named|does not exist|no such/i);
      expect(await snapshot()).toEqual(before);
    }
  });

  it("a stale session (from before sign out everywhere) can run no action", async () => {
    const owner = await db().user.findUniqueOrThrow({ where: { id: byRole.OWNER.id } });
    const stale = { ...owner, sessionVersion: owner.sessionVersion - 1 };
    const before = await snapshot();
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      const r = await TENANT_MODULES[name].runAs(callerFor(stale), payload(target));
      expect(r, name).toMatchObject({ ok: false, error: expect.stringMatching(/session has ended/) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a suspended tenant's owner can change nothing", async () => {
    const suspended = await seedTenant({ status: "SUSPENDED" });
    const { user } = await seedMember(suspended, "OWNER");
    const before = await snapshot();
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      const r = await TENANT_MODULES[name].runAs(callerFor(user), { ...payload(target), tenant: suspended.slug });
      expect(r, name).toMatchObject({ ok: false, error: expect.stringMatching(/suspended/) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a forged id: an owner of another tenant naming the target's resources under their own tenant gets not found", async () => {
    const byId = [
      "changeMemberRole", "removeMember", "updateProvider", "deleteProvider", "addVersion", "activateVersion", "setFallbackVersions", "setVersionPrices",
      "updateEndpoint", "revokeApiKey", "savePromptVersion", "restorePromptVersion", "deletePrompt",
    ];
    for (const name of byId) {
      const before = await snapshot();
      const payload = { ...TENANT_MATRIX[name](target), tenant: otherTenantSlug };
      const r = await TENANT_MODULES[name].runAs(callerFor(outsider), payload);
      expect(r, name).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
      expect(await snapshot()).toEqual(before);
    }
  });

  it("platform actions: no tenant role, the owner included, may run them", async () => {
    for (const role of ROLES) {
      for (const [name, payload] of Object.entries(PLATFORM_MATRIX)) {
        const before = await snapshot();
        const r = await (adminActions as unknown as Record<string, Action<unknown>>)[name].runAs(callerFor(byRole[role]), payload(target));
        expect(r, `${name} as ${role}`).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
        expect(await snapshot()).toEqual(before);
      }
    }
  });

  it("no session: every action says so and nothing changes", async () => {
    const before = await snapshot();
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      const r = await TENANT_MODULES[name].runAs(callerFor(null), payload(target));
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/not signed in/) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("sign out everywhere touches only the caller's account", async () => {
    const before = await snapshot();
    const fresh = await db().user.findUniqueOrThrow({ where: { id: outsider.id } });
    const r = await accountActions.signOutEverywhere.runAs(callerFor(fresh), {});
    expect(r.ok).toBe(true);
    const after = await snapshot();
    expect(after.users.filter((u) => u.id !== outsider.id)).toEqual(before.users.filter((u) => u.id !== outsider.id));
    expect(after.memberships).toEqual(before.memberships);
    expect(after.users.find((u) => u.id === outsider.id)?.sessionVersion).toBe(fresh.sessionVersion + 1);
  });

  it("an invitation token that was never issued is refused", async () => {
    const before = await snapshot();
    const r = await accountActions.acceptInvitation.runAs(callerFor(null), { token: "x".repeat(43), name: "Mallory", password: "long-enough-password", confirm: "long-enough-password" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/expired or was already used/) });
    expect(await snapshot()).toEqual(before);
  });

  describe("routes", () => {
    async function signInAs(user: Actor | null, sessionVersion?: number) {
      if (!user) {
        request.cookie = "";
        return;
      }
      const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
      request.cookie = await encode({ token: { uid: row.id, sv: sessionVersion ?? row.sessionVersion, email: row.email }, secret: process.env.NEXTAUTH_SECRET! });
    }
    type RouteFn = ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) & { permission?: Permission };
    /** Every route under /api/t, keyed "METHOD path" as its file lays it out, with a request that a permitted member's would be. */
    const ROUTES: Record<string, { handler: RouteFn; send: (slug: string) => Promise<Response> }> = {
      "GET /api/t/[tenant]/audit/verify": {
        handler: verifyRoute,
        send: (slug) => verifyRoute(new Request(`http://keel.test/api/t/${slug}/audit/verify`), { params: Promise.resolve({ tenant: slug }) }),
      },
      "POST /api/t/[tenant]/providers/[providerId]/test": {
        handler: testProviderRoute,
        send: (slug) =>
          testProviderRoute(new Request(`http://keel.test/api/t/${slug}/providers/${target.providerId}/test`, { method: "POST" }), {
            params: Promise.resolve({ tenant: slug, providerId: target.providerId }),
          }),
      },
      "POST /api/t/[tenant]/endpoints/[endpointId]/try": {
        handler: tryEndpointRoute,
        send: (slug) =>
          tryEndpointRoute(
            new Request(`http://keel.test/api/t/${slug}/endpoints/${target.endpointId}/try`, {
              method: "POST",
              body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
            }),
            { params: Promise.resolve({ tenant: slug, endpointId: target.endpointId }) },
          ),
      },
      "POST /api/t/[tenant]/playground/run": {
        handler: playgroundRunRoute,
        send: (slug) => playgroundRun(slug, { endpointId: target.endpointId, versionId: target.idleVersionId }),
      },
      "GET /api/t/[tenant]/playground/runs/[requestId]": {
        handler: playgroundRunFiguresRoute,
        send: (slug) =>
          playgroundRunFiguresRoute(new Request(`http://keel.test/api/t/${slug}/playground/runs/req_none`), {
            params: Promise.resolve({ tenant: slug, requestId: "req_none" }),
          }),
      },
      "GET /api/t/[tenant]/audit/export": {
        handler: exportRoute,
        send: (slug) => exportRoute(new Request(`http://keel.test/api/t/${slug}/audit/export?format=jsonl`), { params: Promise.resolve({ tenant: slug }) }),
      },
      "GET /api/t/[tenant]/audit/export/manifest": {
        handler: exportManifestRoute,
        send: (slug) => exportManifestRoute(new Request(`http://keel.test/api/t/${slug}/audit/export/manifest?seq=1`), { params: Promise.resolve({ tenant: slug }) }),
      },
      "GET /api/t/[tenant]/costs/export": {
        handler: costExportRoute,
        send: (slug) => costExportRoute(new Request(`http://keel.test/api/t/${slug}/costs/export?range=7d&group=key`), { params: Promise.resolve({ tenant: slug }) }),
      },
    };
    function playgroundRun(slug: string, body: Record<string, unknown>) {
      return playgroundRunRoute(
        new Request(`http://keel.test/api/t/${slug}/playground/run`, {
          method: "POST",
          body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], ...body }),
        }),
        { params: Promise.resolve({ tenant: slug }) },
      );
    }

    it("covers every route under /api/t", () => {
      const root = path.resolve(import.meta.dirname, "../../app/api/t");
      const found: string[] = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name === "route.ts") {
            const url = `/api/t/${path.relative(root, dir).split(path.sep).join("/")}`;
            for (const m of fs.readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${m[1]} ${url}`);
          }
        }
      };
      walk(root);
      expect(found.sort()).toEqual(Object.keys(ROUTES).sort());
      for (const [name, r] of Object.entries(ROUTES)) expect(r.handler.permission, name).toBeTruthy();
    });

    for (const [route, { handler, send }] of Object.entries(ROUTES)) {
      const who: [string, () => Actor | null, number][] = [
        ["no session", () => null, 401],
        ["a member of another tenant", () => outsider, 404],
        ...(READ_PERMISSIONS.includes(handler.permission!) ? [] : [["the platform admin, on a read-only visit", () => platformAdmin, 403] as [string, () => Actor, number]]),
        ...ROLES.filter((r) => !can(r, handler.permission!)).map((r): [string, () => Actor, number] => [`a ${r}`, () => byRole[r], 403]),
      ];
      for (const [label, actor, status] of who) {
        it(`${route}: ${label} gets ${status}`, async () => {
          await signInAs(actor());
          const res = await send(target.slug);
          expect(res.status).toBe(status);
          expect((await res.json()).error.message).toBeTruthy();
        });
      }
      it(`${route}: a stale session gets 401`, async () => {
        const owner = await db().user.findUniqueOrThrow({ where: { id: byRole.OWNER.id } });
        await signInAs(owner, owner.sessionVersion - 1);
        expect((await send(target.slug)).status).toBe(401);
      });
    }

    it("the platform admin may verify a tenant's trail read-only, and the visit is one event in that tenant's chain", async () => {
      const visits = () => db().auditEvent.count({ where: { tenantId: target.id, action: "platform.visited", actorId: platformAdmin.id } });
      const before = await visits();
      await signInAs(platformAdmin);
      expect((await ROUTES["GET /api/t/[tenant]/audit/verify"].send(target.slug)).status).toBe(200);
      expect((await ROUTES["GET /api/t/[tenant]/audit/verify"].send(target.slug)).status).toBe(200);
      expect(await visits()).toBe(before + 1);
      const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: target.id, action: "platform.visited" }, orderBy: { seq: "desc" } });
      expect(event).toMatchObject({ actorId: platformAdmin.id, actorLabel: platformAdmin.email, ip: "198.51.100.9", resourceType: "tenant" });
      // No other tenant hears of it.
      const elsewhere = await db().auditEvent.count({ where: { action: "platform.visited", tenantId: { not: target.id } } });
      expect(elsewhere).toBe(0);
    });

    it("a suspended tenant's owner may still verify the trail, but not test providers or try endpoints", async () => {
      const suspended = await seedTenant({ status: "SUSPENDED" });
      const { user } = await seedMember(suspended, "OWNER");
      await signInAs(user);
      expect((await ROUTES["GET /api/t/[tenant]/audit/verify"].send(suspended.slug)).status).toBe(200);
      for (const route of ["POST /api/t/[tenant]/providers/[providerId]/test", "POST /api/t/[tenant]/endpoints/[endpointId]/try", "POST /api/t/[tenant]/playground/run"]) {
        const res = await ROUTES[route].send(suspended.slug);
        expect(res.status, route).toBe(403);
        expect((await res.json()).error.code).toBe("tenant_suspended");
      }
    });

    it("GET /api/t/[tenant]/audit/export: an auditor's export holds only their tenant's trail, and a bad filter exports nothing", async () => {
      await signInAs(byRole.AUDITOR);
      const res = await ROUTES["GET /api/t/[tenant]/audit/export"].send(target.slug);
      expect(res.status).toBe(200);
      const rows = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as { tenantId: string });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.tenantId === target.id)).toBe(true);
      const before = await snapshot();
      const bad = await exportRoute(new Request(`http://keel.test/api/t/${target.slug}/audit/export?format=xlsx&input=nothex`), { params: Promise.resolve({ tenant: target.slug }) });
      expect(bad.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it("GET /api/t/[tenant]/costs/export: a viewer's CSV holds only their tenant's spend, and a bad range or group is a 400 naming it", async () => {
      const other = await seedTenant();
      await db().requestRecord.createMany({
        data: [
          { id: crypto.randomUUID(), tenantId: target.id, route: "chat.completions", latencyMs: 5, status: 200, costUsd: "0.00000123", createdAt: new Date() },
          { id: crypto.randomUUID(), tenantId: other.id, route: "chat.completions", latencyMs: 5, status: 200, costUsd: "5.00000000", createdAt: new Date() },
        ],
      });
      await signInAs(byRole.VIEWER);
      const res = await costExportRoute(new Request(`http://keel.test/api/t/${target.slug}/costs/export?range=7d&group=day`), { params: Promise.resolve({ tenant: target.slug }) });
      expect(res.status).toBe(200);
      const csv = await res.text();
      const total = csv.trim().split("\r\n").at(-1)!.split(",");
      expect(total[0]).toBe("total");
      expect(Number(total[5])).toBeLessThan(5);
      const bad = await costExportRoute(new Request(`http://keel.test/api/t/${target.slug}/costs/export?range=forever&group=tenant`), { params: Promise.resolve({ tenant: target.slug }) });
      expect(bad.status).toBe(400);
      expect(Object.keys((await bad.json()).error.fieldErrors).sort()).toEqual(["group", "range"]);
      // End users' spend is for those who read the audit trail, as their requests are.
      const endUsers = () => costExportRoute(new Request(`http://keel.test/api/t/${target.slug}/costs/export?range=7d&group=endUser`), { params: Promise.resolve({ tenant: target.slug }) });
      expect((await endUsers()).status).toBe(403);
      await signInAs(byRole.AUDITOR);
      expect((await endUsers()).status).toBe(200);
    });

    it("HEAD /api/t/[tenant]/audit/export starts no export: its body is never read, and would hold one of the tenant's export places for ever", async () => {
      await signInAs(byRole.AUDITOR);
      const exports = () => db().auditEvent.count({ where: { tenantId: target.id, action: "audit.exported" } });
      const before = await exports();
      for (let i = 0; i < 3; i++) {
        const res = await exportRoute(new Request(`http://keel.test/api/t/${target.slug}/audit/export?format=csv`, { method: "HEAD" }), { params: Promise.resolve({ tenant: target.slug }) });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      }
      for (let i = 0; i < 3; i++) {
        const res = await ROUTES["GET /api/t/[tenant]/audit/export"].send(target.slug);
        expect(res.status).toBe(200);
        await res.text();
      }
      expect(await exports()).toBe(before + 3);
    });

    it("POST /api/t/[tenant]/playground/run: an owner runs nothing of another tenant's, nor a version of another endpoint", async () => {
      await signInAs(outsider);
      const before = await snapshot();
      for (const body of [
        { endpointId: target.endpointId },
        { endpointId: outsiderOwn.endpointId, versionId: target.idleVersionId },
      ]) {
        const res = await playgroundRun(otherTenantSlug, body);
        expect(res.status, JSON.stringify(body)).toBe(404);
        expect((await res.json()).error.message).toBe("No such endpoint or version in this tenant.");
      }
      expect(await snapshot()).toEqual(before);
    });

    it("GET /api/t/[tenant]/audit/verify: an auditor gets the verdict, and the verification is recorded in their tenant as theirs", async () => {
      await signInAs(byRole.AUDITOR);
      const res = await ROUTES["GET /api/t/[tenant]/audit/verify"].send(target.slug);
      expect(res.status).toBe(200);
      const verdict = await res.json();
      expect(verdict).toMatchObject({ audit: { ok: true } });
      const event = await db().auditEvent.findFirstOrThrow({ where: { action: "audit.verified", seq: verdict.recordedAs, tenantId: target.id } });
      expect(event).toMatchObject({ actorId: byRole.AUDITOR.id, actorLabel: byRole.AUDITOR.email });
    });

    it("GET /api/t/[tenant]/audit/verify?progress=1: a DEVELOPER or a VIEWER gets 403 and no stream, and nothing is recorded", async () => {
      for (const role of ["DEVELOPER", "VIEWER"] as const) {
        await signInAs(byRole[role]);
        const before = await snapshot();
        const res = await verifyRoute(new Request(`http://keel.test/api/t/${target.slug}/audit/verify?progress=1`), { params: Promise.resolve({ tenant: target.slug }) });
        expect(res.status, role).toBe(403);
        expect((await res.json()).error.code, role).toBe("forbidden");
        expect(await snapshot()).toEqual(before);
      }
    });
  });
});
