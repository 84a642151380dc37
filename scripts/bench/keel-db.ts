// Keel's database for `npm run bench:gateway`: migrated and filled before Keel starts (a tenant
// and its owner, a provider pointing at the bench upstream, an endpoint with an active version,
// an unlimited API key), and read again after Keel stops to count the request records it wrote.
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { recordAudit } from "../../lib/audit/record";
import { generatePassword, hashPassword } from "../../lib/auth/password";
import { openDatabase, type PrismaClient } from "../../lib/db/client";
import { startEmbeddedDatabase } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/schema-engine";
import { generateApiKey } from "../../lib/keys/secret";
import { describeVersion } from "../../lib/prompts/write";
import { encryptSecret, parseMasterKeys, providerKeyBinding } from "../../lib/secrets/secrets";
import { onCleanup } from "./processes";

/** Where Keel's data lives: the embedded database in KEEL_HOME/data, or a database on a server. */
export type KeelDatabase = { kind: "embedded"; dataDir: string } | { kind: "external"; url: string; redacted: string };

export type Seeded = {
  tenantId: string;
  tenantSlug: string;
  apiKey: string;
  endpointName: string;
  endpointId: string;
  /** A saved prompt of the tenant, so that the prompt pages render too. */
  promptName: string;
  /** The active version, an evaluation dataset and run of it, and an ended rollout: the release pages' subjects. */
  versionId?: string;
  datasetId?: string;
  runId?: string;
  rolloutId?: string;
  /** The tenant's owner, who signs in to the console before the bench measures. */
  owner: { email: string; password: string };
};

const SYSTEM = { type: "SYSTEM" as const, id: null, label: "keel-bench" };
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");

/** The embedded database in `home`'s data folder (Keel's default place for it). */
export function embeddedDatabase(home: string): KeelDatabase {
  return { kind: "embedded", dataDir: path.join(home, "data") };
}

/** Creates a fresh database on the server at `serverUrl` and drops it again on clean-up. */
export async function freshExternalDatabase(serverUrl: string): Promise<KeelDatabase> {
  const name = `keel_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Cannot connect to ${redact(serverUrl)}: ${(error as Error).message}`);
  }
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  onCleanup(`database ${name}`, async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { kind: "external", url: url.toString(), redacted: redact(url.toString()) };
}

/** Opens the database (starting the embedded server when it is that), migrates, runs `fn`, closes it all. */
async function withPrisma<T>(target: KeelDatabase, fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  if (target.kind === "external") {
    await applyMigrations(target.url);
    const database = openDatabase(target.url, 2);
    try {
      return await fn(database.prisma);
    } finally {
      await database.close();
    }
  }
  const embedded = await startEmbeddedDatabase(target.dataDir);
  try {
    await applyMigrations(embedded.url);
    await embedded.waitForIdle();
    const database = openDatabase(embedded.url, 1);
    try {
      return await fn(database.prisma);
    } finally {
      await database.close();
    }
  } finally {
    await embedded.stop();
  }
}

/** The tenant and its owner, each with its audit event, as prisma/seed.ts creates them. */
async function seedTenantWithOwner(prisma: PrismaClient, slug: string, owner: { email: string; passwordHash: string }) {
  return prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { slug, name: "Bench" } });
    await recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, {
      action: "tenant.created",
      resourceType: "tenant",
      resourceId: tenant.id,
      after: { name: tenant.name, slug: tenant.slug, status: tenant.status },
    });
    const user = await tx.user.create({ data: { email: owner.email, name: "bench-owner", passwordHash: owner.passwordHash } });
    const membership = await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "OWNER" } });
    await recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, {
      action: "member.invited",
      resourceType: "membership",
      resourceId: membership.id,
      after: { email: owner.email, role: "OWNER" },
    });
    return tenant;
  });
}

/**
 * Inserts what Keel needs to serve `bench-chat` from the bench upstream with one unlimited key,
 * and an owner who can sign in to the console. Audit events are signed with `auditSigningKey`,
 * which Keel must be given too, so that its chain goes on under the same key.
 */
export async function seedKeel(target: KeelDatabase, opts: { upstreamPort: number; masterKey: string; auditSigningKey: string }): Promise<Seeded> {
  const keys = parseMasterKeys(opts.masterKey);
  // recordAudit reads the signing key from the environment, where server.ts puts it for Keel.
  process.env.KEEL_AUDIT_SIGNING_KEY = opts.auditSigningKey;
  const tenantSlug = "bench";
  const endpointName = "bench-chat";
  const key = generateApiKey();
  const owner = { email: "owner@bench.test", password: generatePassword() };
  // Hashed before the database opens: bcrypt is deliberately slow.
  const passwordHash = await hashPassword(owner.password);
  const ids = await withPrisma(target, async (prisma) => {
    const tenant = await seedTenantWithOwner(prisma, tenantSlug, { email: owner.email, passwordHash });
    const created = await prisma.provider.create({
      data: { tenantId: tenant.id, name: "bench-upstream", kind: "OPENAI_COMPATIBLE", baseUrl: `http://127.0.0.1:${opts.upstreamPort}/v1` },
    });
    // Sealed as the console seals it: bound to the row, which must exist first.
    const provider = await prisma.provider.update({
      where: { id: created.id },
      data: { apiKeySealed: encryptSecret("bench", providerKeyBinding(created), keys) },
    });
    const endpoint = await prisma.endpoint.create({ data: { tenantId: tenant.id, name: endpointName, kind: "CHAT" } });
    const version = await prisma.modelVersion.create({
      data: {
        tenantId: tenant.id,
        endpointId: endpoint.id,
        label: "v1",
        providerId: provider.id,
        providerModel: "bench-model",
        inputPricePerMTok: 0.15,
        outputPricePerMTok: 0.6,
      },
    });
    await prisma.endpoint.update({ where: { id: endpoint.id }, data: { activeVersionId: version.id } });
    await prisma.apiKey.create({
      data: {
        tenantId: tenant.id,
        name: "bench",
        prefix: key.prefix,
        secretHash: key.secretHash,
        requestsPerMinute: null,
        tokensPerMinute: null,
      },
    });
    // As the console's action writes it: the gateway serves a prompt only as its audit events say.
    const prompt = await prisma.$transaction(async (tx) => {
      const created = await tx.prompt.create({ data: { tenantId: tenant.id, name: "bench-prompt", latestVersion: 1 } });
      const version = await tx.promptVersion.create({
        data: { tenantId: tenant.id, promptId: created.id, version: 1, endpointName, content: { system: "You are brief.", messages: [{ role: "user", content: "Say hello to {{name}}." }], parameters: { max_tokens: 16 } } },
      });
      await recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, {
        action: "prompt.created",
        resourceType: "prompt",
        resourceId: created.id,
        after: { name: created.name, description: null, version: describeVersion(version) },
      });
      return created;
    });
    const release = await seedReleasePages(prisma, tenant.id, endpoint.id, version.id, provider.id);
    return { tenantId: tenant.id, endpointId: endpoint.id, promptName: prompt.name, versionId: version.id, ...release };
  });
  return { ...ids, tenantSlug, apiKey: key.secret, endpointName, owner };
}

/**
 * A running rollout on the bench endpoint: a second version on the same upstream takes `percent` of
 * the end users (sticky by the request's `user`), as a canary would, with its burn-in still running.
 */
export async function addBenchRollout(target: KeelDatabase, seeded: Seeded, percent: number): Promise<void> {
  await withPrisma(target, async (prisma) => {
    const endpoint = await prisma.endpoint.findUniqueOrThrow({ where: { id: seeded.endpointId } });
    const owner = await prisma.user.findUniqueOrThrow({ where: { email: seeded.owner.email } });
    const candidate = await prisma.modelVersion.create({
      data: { tenantId: seeded.tenantId, endpointId: endpoint.id, label: "v2", providerId: (await prisma.modelVersion.findUniqueOrThrow({ where: { id: endpoint.activeVersionId! } })).providerId, providerModel: "bench-model", inputPricePerMTok: 0.15, outputPricePerMTok: 0.6 },
    });
    await prisma.rollout.create({
      data: {
        tenantId: seeded.tenantId, endpointId: endpoint.id, baselineVersionId: endpoint.activeVersionId!, candidateVersionId: candidate.id,
        stepsBp: [Math.round(percent * 100)], stickiness: "USER", burnInMinutes: 1_440, guards: {}, requestedById: owner.id,
      },
    });
  });
}

/**
 * What the catalog, evaluation and rollout pages show: a one-case dataset with a completed run on
 * the active version, and a rollout of a second version that was cancelled (so it routes nothing).
 */
async function seedReleasePages(prisma: PrismaClient, tenantId: string, endpointId: string, versionId: string, providerId: string) {
  const owner = await prisma.membership.findFirstOrThrow({ where: { tenantId, role: "OWNER" }, select: { userId: true } });
  const dataset = await prisma.evalDataset.create({ data: { tenantId, name: "bench-set", caseCount: 1, contentHash: "0".repeat(64), createdById: owner.userId } });
  const evalCase = await prisma.evalCase.create({ data: { tenantId, datasetId: dataset.id, position: 0, messages: [{ role: "user", content: "Say hello." }], expected: "hello" } });
  const summary = { cases: 1, scored: 1, failed: 0, passed: 1, meanScore: 1, meanCi: [1, 1], passRate: 1, passCi: [0.21, 1] };
  const run = await prisma.evalRun.create({
    data: { tenantId, datasetId: dataset.id, endpointId, versionId, scorer: "CONTAINS", passAt: 1, status: "COMPLETED", total: 1, done: 1, passed: 1, scoreSum: 1, summary, createdById: owner.userId, finishedAt: new Date() },
  });
  await prisma.evalResult.create({ data: { tenantId, runId: run.id, caseId: evalCase.id, position: 0, output: "hello", score: 1, passed: true, detail: "contains expected (any case)" } });
  const old = await prisma.modelVersion.create({ data: { tenantId, endpointId, label: "v0", providerId, providerModel: "bench-model", inputPricePerMTok: 0.15, outputPricePerMTok: 0.6 } });
  const rollout = await prisma.rollout.create({
    data: { tenantId, endpointId, baselineVersionId: versionId, candidateVersionId: old.id, stepsBp: [1_000], stickiness: "KEY", burnInMinutes: 0, guards: {}, requestedById: owner.userId, status: "CANCELLED", endReason: "Cancelled", endedAt: new Date() },
  });
  return { datasetId: dataset.id, runId: run.id, rolloutId: rollout.id };
}

/** The tenant's request records, in all and by HTTP status. */
export async function countRequestRecords(target: KeelDatabase, tenantId: string): Promise<{ total: number; byStatus: Map<number, number> }> {
  return withPrisma(target, async (prisma) => {
    const groups = await prisma.requestRecord.groupBy({ by: ["status"], where: { tenantId }, _count: { _all: true } });
    const byStatus = new Map(groups.map((g) => [g.status, g._count._all]));
    return { total: [...byStatus.values()].reduce((a, b) => a + b, 0), byStatus };
  });
}
