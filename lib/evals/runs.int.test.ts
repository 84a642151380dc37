import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { publishConsoleGateway } from "@/lib/endpoints/console-gateway";
import { JobQueue } from "@/lib/jobs/queue";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant } from "@/lib/testing/factories";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";
import { cancelEvalRun, importDataset, startEvalRun } from "./actions";
import { compareRuns, getRun } from "./data";
import { EvalRunner } from "./runner";

const test = useTestDatabase();
const SECRET = "evals-test-secret-evals-test-secret";
// The fake provider answers "echo: <the last user message>".
const harness = useGatewayHarness({ consoleSecret: SECRET });
let queue: JobQueue;
beforeAll(async () => {
  queue = await JobQueue.start(test.database.pool);
  publishConsoleGateway({ url: harness.gateway.url.replace(/\/api\/v1$/, ""), secret: SECRET });
});
afterAll(async () => queue?.stop());

const JSONL = [
  { input: "alpha", expected: "echo: alpha" },
  { input: "beta", expected: "echo: beta" },
  { input: "gamma", expected: "something else" },
  { input: "delta", expected: "echo: delta" },
].map((c) => JSON.stringify(c)).join("\n");

async function seed() {
  const s = await seedGatewayTenant(harness.fake.baseUrl);
  const developer = (await seedMember(s.tenant, "DEVELOPER")).user;
  const imported = await importDataset.runAs(callerFor(developer), { tenant: s.tenant.slug, name: "greetings", format: "jsonl", content: JSONL });
  if (!imported.ok) throw new Error(imported.error);
  return { ...s, developer, datasetId: imported.data.datasetId };
}

const start = async (s: Awaited<ReturnType<typeof seed>>, scorer = "EXACT") => {
  const r = await startEvalRun.runAs(callerFor(s.developer), { tenant: s.tenant.slug, datasetId: s.datasetId, endpointId: s.endpoint.id, versionId: s.version.id, scorer });
  if (!r.ok) throw new Error(r.error);
  return r.data.runId;
};

describe("evaluation runs", () => {
  it("send every case through the gateway as the person who started them, score each, and summarise with intervals", async () => {
    const s = await seed();
    const runId = await start(s);
    const runner = new EvalRunner(db(), queue, undefined);
    expect(await runner.runPending()).toContain(runId);
    const run = await getRun({ tenantId: s.tenant.id }, runId, { page: 1, pageSize: 50 });
    expect(run).toMatchObject({ status: "COMPLETED", total: 4, done: 4, passed: 3, failed: 0 });
    expect(run!.summary).toMatchObject({ cases: 4, passed: 3, meanScore: 0.75, passRate: 0.75 });
    expect(run!.summary.passCi[0]).toBeLessThan(0.75);
    expect(run!.results.map((r) => [r.position, r.passed, r.output])).toEqual([
      [0, true, "echo: alpha"], [1, true, "echo: beta"], [2, false, "echo: gamma"], [3, true, "echo: delta"],
    ]);
    // Each case is a request record of the developer's, on the run's version.
    const records = await db().requestRecord.findMany({ where: { id: { in: run!.results.map((r) => r.requestId!) } } });
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.userId === s.developer.id && r.modelVersionId === s.version.id && r.apiKeyId === null)).toBe(true);
  });

  it("counts a case whose call failed as unscored, and compares two runs case by case", async () => {
    const s = await seed();
    const runner = new EvalRunner(db(), queue, undefined);
    const first = await start(s);
    await runner.runPending();
    harness.fake.fail({ kind: "status", status: 500 }, 1_000); // the provider is down for the second run
    const second = await start(s, "CONTAINS");
    await runner.runPending();
    const run = await getRun({ tenantId: s.tenant.id }, second, { page: 1, pageSize: 50 });
    expect(run).toMatchObject({ status: "COMPLETED", failed: 4, passed: 0 });
    expect(run!.summary).toMatchObject({ cases: 4, failed: 4, meanScore: 0 });
    expect(run!.results[0].detail).toMatch(/gateway answered 50\d/);
    const compared = await compareRuns({ tenantId: s.tenant.id }, first, second);
    expect(compared!.rows.slice(0, 3).every((r) => r.changed)).toBe(true);
    expect(compared!.rows[3]).toMatchObject({ position: 2, changed: false });
    expect(compared!.worse).toBe(3);
    const other = await seed();
    expect(await compareRuns({ tenantId: other.tenant.id }, first, second)).toBeNull();
  });

  it("stops a cancelled run, and refuses a scorer the cases do not suit, naming them", async () => {
    const s = await seed();
    const runId = await start(s);
    expect(await cancelEvalRun.runAs(callerFor(s.developer), { tenant: s.tenant.slug, runId })).toMatchObject({ ok: true });
    expect(await new EvalRunner(db(), queue, undefined).runPending()).not.toContain(runId);
    expect(await db().evalRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "CANCELLED", done: 0 });
    const schema = await startEvalRun.runAs(callerFor(s.developer), { tenant: s.tenant.slug, datasetId: s.datasetId, endpointId: s.endpoint.id, versionId: s.version.id, scorer: "JSON_SCHEMA" });
    expect(schema).toMatchObject({ ok: false, error: expect.stringMatching(/^4 cases cannot be scored by JSON Schema: case 1: the JSON Schema scorer needs "schema"/) });
  });

  it("fails a run whose starter may no longer run evaluations, and keeps other tenants' datasets out of reach", async () => {
    const s = await seed();
    const runId = await start(s);
    await db().membership.updateMany({ where: { tenantId: s.tenant.id, userId: s.developer.id }, data: { role: "VIEWER" } });
    await new EvalRunner(db(), queue, undefined).runPending();
    expect(await db().evalRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "FAILED", error: expect.stringMatching(/may no longer run evaluations/) });
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id, userId: s.developer.id } })).toBe(0);

    const other = await seedTenant();
    const outsider = (await seedMember(other, "OWNER")).user;
    const foreign = await startEvalRun.runAs(callerFor(outsider), { tenant: other.slug, datasetId: s.datasetId, endpointId: s.endpoint.id, versionId: s.version.id, scorer: "EXACT" });
    expect(foreign).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
  });

  it("leaves a suspended tenant's runs queued, sending nothing", async () => {
    const s = await seed();
    const runId = await start(s);
    await db().tenant.update({ where: { id: s.tenant.id }, data: { status: "SUSPENDED" } });
    expect(await new EvalRunner(db(), queue, undefined).runPending()).not.toContain(runId);
    expect(await db().evalRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "QUEUED", done: 0 });
    expect(await db().requestRecord.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it("refuses a bad dataset with the line that is wrong, and imports nothing", async () => {
    const s = await seed();
    const r = await importDataset.runAs(callerFor(s.developer), { tenant: s.tenant.slug, name: "broken", format: "jsonl", content: '{"input": "a", "expected": "b"}\n{oops' });
    expect(r).toMatchObject({ ok: false, fieldErrors: { content: ["Line 2 is not JSON."] } });
    expect(await db().evalDataset.count({ where: { tenantId: s.tenant.id, name: "broken" } })).toBe(0);
  });
});
