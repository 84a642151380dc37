import type pg from "pg";
import type { PrismaClient } from "@/lib/db/client";
import type { JobQueue } from "@/lib/jobs/queue";

/** Embeds texts as unit vectors (the built-in embedding model, in its own queue: sampling never waits on the gateway's callers, nor they on it). */
export type Embedder = (texts: string[]) => Promise<number[][]>;

export const SAMPLE_JOB = "monitoring.input-samples";
/** Inputs sampled per version and run, at most; runs are `intervalMs` apart (5 min). */
const PER_RUN = 12;
/** Inputs sampled per version and UTC day, at most. */
const PER_DAY = 300;
/** Records of one version looked at per run, at most, to pick the sample from. */
const CANDIDATES = 2000;
/** Characters of an input embedded (the model reads the start of a text). */
const MAX_CHARS = 2000;

/**
 * Samples the inputs each version answered for input drift: from the request content a tenant keeps
 * (redacted as stored; tenants that keep none have no input drift), a random few per version and
 * window, embedded by the built-in model. Only the vectors are stored, never the text, and each
 * expires with the content it came from. Returns how many were stored.
 */
export async function sampleInputs(
  prisma: PrismaClient, embed: Embedder, tenantId: string, window: { from: Date; to: Date }, opts: { perRun?: number; random?: () => number } = {},
): Promise<number> {
  const random = opts.random ?? Math.random;
  // Ids first, at most CANDIDATES per version through the (tenantId, modelVersionId, createdAt)
  // index; the text only of the few chosen, and only the start that is embedded. A tenant with
  // heavy traffic and long prompts must not have every kept input read over the shared connection.
  const candidates = await prisma.$queryRawUnsafe<{ id: string; versionId: string }[]>(
    `SELECT r."id", r."modelVersionId" AS "versionId"
     FROM (SELECT DISTINCT "modelVersionId" AS "v" FROM "RequestRecord"
           WHERE "tenantId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 AND "modelVersionId" IS NOT NULL) versions
     CROSS JOIN LATERAL (
       SELECT r."id", r."modelVersionId" FROM "RequestRecord" r
       WHERE r."tenantId" = $1 AND r."modelVersionId" = versions."v" AND r."createdAt" >= $2 AND r."createdAt" < $3 AND r."status" < 400
         AND EXISTS (SELECT 1 FROM "RequestContent" c WHERE c."id" = r."id" AND c."tenantId" = $1 AND c."input" <> '')
         AND NOT EXISTS (SELECT 1 FROM "InputSample" s WHERE s."id" = r."id")
       ORDER BY r."createdAt" LIMIT ${CANDIDATES}) r`,
    tenantId, window.from, window.to,
  );
  if (candidates.length === 0) return 0;
  const byVersion = new Map<string, typeof candidates>();
  for (const c of candidates) byVersion.set(c.versionId, [...(byVersion.get(c.versionId) ?? []), c]);
  const day = new Date(Math.floor(window.from.getTime() / 86_400_000) * 86_400_000);
  const taken = new Map((await prisma.$queryRawUnsafe<{ versionId: string; n: number }[]>(
    `SELECT "versionId", count(*)::int AS n FROM "InputSample" WHERE "tenantId" = $1 AND "versionId" = ANY($2::text[]) AND "createdAt" >= $3 AND "createdAt" < $4 GROUP BY 1`,
    tenantId, [...byVersion.keys()], day, new Date(day.getTime() + 86_400_000),
  )).map((r) => [r.versionId, r.n]));
  const picked: typeof candidates = [];
  for (const [versionId, rows] of byVersion) {
    const room = Math.min(opts.perRun ?? PER_RUN, PER_DAY - (taken.get(versionId) ?? 0));
    for (let i = 0; i < rows.length && i < room; i++) {
      const j = i + Math.floor(random() * (rows.length - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
      picked.push(rows[i]);
    }
  }
  if (picked.length === 0) return 0;
  const texts = new Map((await prisma.$queryRawUnsafe<{ id: string; createdAt: Date; expiresAt: Date; input: string }[]>(
    `SELECT c."id", r."createdAt", c."expiresAt", left(c."input", ${MAX_CHARS}) AS "input"
     FROM "RequestContent" c JOIN "RequestRecord" r ON r."id" = c."id" AND r."tenantId" = c."tenantId"
     WHERE c."tenantId" = $1 AND c."id" = ANY($2::text[])`,
    tenantId, picked.map((c) => c.id),
  )).map((t) => [t.id, t]));
  // Content purged between the two reads is simply not sampled.
  const chosen = picked.flatMap((c) => {
    const t = texts.get(c.id);
    return t && t.input !== "" ? [{ ...c, ...t }] : [];
  });
  if (chosen.length === 0) return 0;
  const vectors = await embed(chosen.map((c) => c.input));
  const result = await prisma.$executeRawUnsafe(
    `INSERT INTO "InputSample" ("id", "tenantId", "versionId", "createdAt", "expiresAt", "embedding")
     SELECT id, $1, v, c, e, string_to_array(emb, ',')::real[] FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[]) AS t(id, v, c, e, emb)
     ON CONFLICT ("id") DO NOTHING`,
    tenantId, chosen.map((c) => c.id), chosen.map((c) => c.versionId), chosen.map((c) => c.createdAt), chosen.map((c) => c.expiresAt),
    vectors.map((v) => v.map((x) => x.toPrecision(7)).join(",")),
  );
  return result;
}

/** A version's sampled input vectors in [from, to), at most `limit`, spread over the window (a hash of the id picks them). */
export async function inputVectors(prisma: PrismaClient, tenantId: string, versionId: string, from: number, to: number, limit = 200): Promise<number[][]> {
  const rows = await prisma.$queryRawUnsafe<{ embedding: number[] }[]>(
    `SELECT "embedding" FROM "InputSample" WHERE "tenantId" = $1 AND "versionId" = $2 AND "createdAt" >= $3 AND "createdAt" < $4 ORDER BY md5("id") LIMIT ${Math.floor(limit)}`,
    tenantId, versionId, new Date(from), new Date(to),
  );
  return rows.map((r) => r.embedding);
}

/** Deletes samples whose content has expired, `batch` rows per statement. */
export async function purgeInputSamples(pool: Pick<pg.Pool, "query">, now = new Date(), batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(`DELETE FROM "InputSample" WHERE "id" IN (SELECT "id" FROM "InputSample" WHERE "expiresAt" <= $1 LIMIT $2)`, [now, batch]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) return total;
  }
}

/**
 * Samples inputs on the job queue: every `intervalMs` (5 min) one job (at most one waits) samples
 * the window since the last run (at most an hour back after a restart) for every active tenant
 * that keeps request content, and purges expired samples.
 */
export class InputSampler {
  private timer: NodeJS.Timeout | null = null;
  private stopWorker: (() => Promise<void>) | null = null;
  private last: number | null = null;

  constructor(
    private readonly db: { pool: pg.Pool; prisma: PrismaClient },
    private readonly queue: JobQueue,
    private readonly embed: Embedder,
    private readonly opts: { intervalMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    this.stopWorker = await this.queue.register({
      name: SAMPLE_JOB, policy: "short", retryLimit: 1, retryDelaySeconds: 30, expireInSeconds: 600, pollingIntervalSeconds: 5,
      run: async () => void (await this.runOnce()),
    });
    this.timer = setInterval(() => void this.queue.send(SAMPLE_JOB).catch(() => {}), this.opts.intervalMs ?? 5 * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stopWorker?.();
  }

  /** One run over every tenant that keeps content; the window ends a minute ago, so its contents are written. */
  async runOnce(now = Date.now()): Promise<number> {
    const to = now - 60_000;
    const from = Math.max(this.last ?? 0, to - 3_600_000);
    if (from >= to) return 0;
    let stored = 0;
    const tenants = await this.db.prisma.tenant.findMany({ where: { status: "ACTIVE", contentRetentionDays: { gt: 0 } }, select: { id: true } });
    for (const { id } of tenants) {
      try {
        stored += await sampleInputs(this.db.prisma, this.embed, id, { from: new Date(from), to: new Date(to) });
      } catch (error) {
        console.error(`[drift] sampling the inputs of tenant ${id} failed:`, (error as Error).message);
      }
    }
    this.last = to;
    await purgeInputSamples(this.db.pool, new Date(now));
    return stored;
  }
}
