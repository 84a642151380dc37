import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { getCatalogVersion } from "@/lib/catalog/data";
import { JobQueue } from "@/lib/jobs/queue";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { parseMasterKeys } from "@/lib/secrets/secrets";
import { useTestDatabase } from "@/lib/testing/db";
import { FAKE_UPSTREAM_ALLOW, startFakeOpenAI, type FakeOpenAI } from "@/lib/testing/fake-openai";
import { callerFor, seedMember } from "@/lib/testing/factories";
import { FAKE_PROVIDER_KEY, seedGatewayTenant, seedProvider } from "@/lib/testing/gateway-factories";
import { cancelFineTune, launchFineTune } from "./actions";
import { FineTuneTracker } from "./tracker";

const test = useTestDatabase();
let fake: FakeOpenAI;
let queue: JobQueue;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: FAKE_PROVIDER_KEY });
  queue = await JobQueue.start(test.database.pool);
});
afterAll(async () => {
  await queue?.stop();
  await fake?.close();
});

const example = (q: string, a: string) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: a }] });
const TRAINING = [example("Where is my order?", "Let me check."), example("Refund please", "Sure.")].join("\n");
const tracker = (allow = FAKE_UPSTREAM_ALLOW) => new FineTuneTracker(db(), queue, createOutboundPolicy(allow), parseMasterKeys(process.env.KEEL_MASTER_KEY!));

async function seed() {
  const s = await seedGatewayTenant(fake.baseUrl);
  // Fine-tuning is billed by the provider, outside Keel's budgets: a manager's to launch.
  const developer = (await seedMember(s.tenant, "ADMIN")).user;
  return { ...s, developer };
}

const launch = (s: Awaited<ReturnType<typeof seed>>, over: Record<string, unknown> = {}) =>
  launchFineTune.runAs(callerFor(s.developer), { tenant: s.tenant.slug, providerId: s.provider.id, endpointId: s.endpoint.id, baseModel: "fake-chat", suffix: "support", trainingName: "support-2026-12", training: TRAINING, hyperparameters: '{"n_epochs": 2}', ...over });

describe("fine-tuning", () => {
  it("uploads the training file, creates the job on the provider, follows it, and makes the result a draft version with its lineage", async () => {
    const s = await seed();
    const launched = await launch(s);
    if (!launched.ok) throw new Error(launched.error);
    const t = tracker();
    await t.trackAll(); // hand-over: upload and create
    const handed = await db().fineTuneJob.findUniqueOrThrow({ where: { id: launched.data.jobId } });
    expect(handed).toMatchObject({ status: "RUNNING", providerStatus: "validating_files", trainingData: "" });
    expect(fake.requests.filter((r) => r.path === "/v1/files")).toHaveLength(1);
    const created = fake.requests.find((r) => r.path === "/v1/fine_tuning/jobs")!;
    expect(created.body).toMatchObject({ model: "fake-chat", suffix: "support", hyperparameters: { n_epochs: 2 }, training_file: handed.providerFileId });
    for (let i = 0; i < 3; i++) await t.trackAll(); // queued, running, succeeded
    const done = await db().fineTuneJob.findUniqueOrThrow({ where: { id: launched.data.jobId } });
    expect(done).toMatchObject({ status: "SUCCEEDED", fineTunedModel: expect.stringMatching(/^ft:fake-chat:keel-fake:support:/) });
    const version = await getCatalogVersion({ tenantId: s.tenant.id }, done.versionId!);
    expect(version).toMatchObject({
      label: "ft-support", status: "draft", providerModel: done.fineTunedModel, baseModel: "fake-chat", fineTuneJobId: handed.providerJobId,
      dataset: { name: "support-2026-12", hash: `sha256:${handed.trainingHash}` }, hyperparameters: { n_epochs: 2 }, owner: s.developer.email, prices: { priced: false },
    });
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: s.tenant.id, action: "endpoint.version_added", actorLabel: "fine-tune tracker" } });
    expect(event.after).toMatchObject({ version: { id: done.versionId }, fineTuneJobId: handed.providerJobId });
  });

  it("records a job the provider failed, with the provider's reason, and adds no version", async () => {
    const s = await seed();
    const launched = await launch(s, { training: [example("hi", "[fail]"), example("a", "b")].join("\n") });
    if (!launched.ok) throw new Error(launched.error);
    const t = tracker();
    for (let i = 0; i < 4; i++) await t.trackAll();
    expect(await db().fineTuneJob.findUniqueOrThrow({ where: { id: launched.data.jobId } })).toMatchObject({ status: "FAILED", error: expect.stringMatching(/refuses/), versionId: null });
    expect(await db().modelVersion.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it("cancels at the provider a job that runs there", async () => {
    const s = await seed();
    const launched = await launch(s);
    if (!launched.ok) throw new Error(launched.error);
    const t = tracker();
    await t.trackAll();
    expect(await cancelFineTune.runAs(callerFor(s.developer), { tenant: s.tenant.slug, jobId: launched.data.jobId })).toMatchObject({ ok: true });
    await t.trackAll();
    expect(await db().fineTuneJob.findUniqueOrThrow({ where: { id: launched.data.jobId } })).toMatchObject({ status: "CANCELLED" });
    expect(fake.requests.some((r) => r.path.endsWith("/cancel"))).toBe(true);
  });

  it("refuses a developer, a fourth job under way, and hyperparameters past their bounds", async () => {
    const s = await seed();
    const dev = (await seedMember(s.tenant, "DEVELOPER")).user;
    expect(await launchFineTune.runAs(callerFor(dev), { tenant: s.tenant.slug, providerId: s.provider.id, endpointId: s.endpoint.id, baseModel: "m", trainingName: "t", training: TRAINING })).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
    expect(await launch(s, { hyperparameters: '{"n_epochs": 1000}' })).toMatchObject({ ok: false, fieldErrors: { hyperparameters: expect.any(Array) } });
    expect(await launch(s, { hyperparameters: '{"shell": "rm -rf"}' })).toMatchObject({ ok: false, fieldErrors: { hyperparameters: expect.any(Array) } });
    for (let i = 0; i < 3; i++) expect(await launch(s)).toMatchObject({ ok: true });
    expect(await launch(s)).toMatchObject({ ok: false, error: expect.stringMatching(/3 fine-tuning jobs under way/) });
  });

  it("refuses a bad training file by its line, the built-in provider, and another tenant's provider", async () => {
    const s = await seed();
    expect(await launch(s, { training: `${example("a", "b")}\n{"messages": [{"role": "user", "content": "only a question"}, {"role": "user", "content": "?"}]}` })).toMatchObject({
      ok: false, fieldErrors: { training: ["Line 2: the last message must be the assistant's, the answer to learn."] },
    });
    const builtin = await seedProvider(s.tenant, { kind: "BUILTIN" });
    expect(await launch(s, { providerId: builtin.id })).toMatchObject({ ok: false, fieldErrors: { providerId: expect.any(Array) } });
    const other = await seed();
    expect(await launch(s, { providerId: other.provider.id })).toMatchObject({ ok: false, fieldErrors: { providerId: expect.any(Array) } });
    expect(await db().fineTuneJob.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it("sends nothing to a provider the outbound policy refuses, and fails the job saying why", async () => {
    const s = await seed();
    const launched = await launch(s);
    if (!launched.ok) throw new Error(launched.error);
    const before = fake.requests.length;
    await tracker("").trackAll(); // loopback is private: refused without the allow-list
    expect(fake.requests.length).toBe(before);
    expect(await db().fineTuneJob.findUniqueOrThrow({ where: { id: launched.data.jobId } })).toMatchObject({ status: "FAILED", error: expect.stringMatching(/did not take the job/) });
  });
});
