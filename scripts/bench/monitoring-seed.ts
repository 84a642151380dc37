// Seeding for `npm run bench:monitoring`: a month of gateway history for the busy tenant that
// keel-db.ts's seedKeel made (8 more endpoints with 2-3 versions each, 20 keys) and for a small
// second tenant. The history predates the install's rollups, so it goes straight into
// "RequestRecord" in bulk SQL, as if each record had been written when its request ended; then it
// is marked sealed (or sealed by Keel's own sealer, --seal real), so that the Keel started on it
// finds its trail current, as an install that had been running would, and spends the measurements
// working, not sealing a month of backlog.
import crypto from "node:crypto";
import type pg from "pg";
import { sealTenantRequests } from "../../lib/audit/seal-requests";
import type { PrismaClient } from "../../lib/db/client";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Rows per INSERT statement: a few seconds each on the server, so progress shows and no statement is huge. */
const CHUNK_ROWS = 100_000;

type Version = { id: string; inPrice: number; outPrice: number };
type Endpoint = { id: string; name: string; chat: boolean; versions: Version[] };
export type SeededTenant = { id: string; slug: string; endpoints: Endpoint[]; keyIds: string[]; records: number };
export type History = {
  main: SeededTenant; other: SeededTenant; from: number; to: number; timings: [string, number][];
  /** How long the inserts took, and until the last record was sealed too (ms). */
  insertMs: number; sealedMs: number;
};

const ENDPOINTS: [name: string, chat: boolean, versions: number, median: number][] = [
  ["support-chat", true, 3, 900], ["summarize", true, 2, 1400], ["classify", true, 3, 250], ["extract", true, 2, 700],
  ["agent-tools", true, 3, 2200], ["draft-email", true, 2, 1100], ["search-embed", false, 3, 45], ["doc-embed", false, 2, 80],
];
const PRICES: [number, number][] = [[0.15, 0.6], [2.5, 10], [0.4, 1.6], [1.1, 4.4], [0.02, 0], [3, 15]];

/** Endpoints, versions (on the tenant's first provider) and keys for a tenant; returns their ids. */
async function createWorld(prisma: PrismaClient, tenantId: string, endpoints: typeof ENDPOINTS, keys: number): Promise<Omit<SeededTenant, "slug" | "records">> {
  const provider = await prisma.provider.findFirstOrThrow({ where: { tenantId } });
  const made: Endpoint[] = [];
  for (const [i, [name, chat, count]] of endpoints.entries()) {
    const endpoint = await prisma.endpoint.create({ data: { tenantId, name, kind: chat ? "CHAT" : "EMBEDDINGS" } });
    const versions: Version[] = [];
    for (let v = 1; v <= count; v++) {
      const [inPrice, outPrice] = chat ? PRICES[(i + v) % PRICES.length] : [0.02 * v, 0];
      const row = await prisma.modelVersion.create({
        data: { tenantId, endpointId: endpoint.id, label: `v${v}`, providerId: provider.id, providerModel: `${name}-model-${v}`, inputPricePerMTok: inPrice, outputPricePerMTok: outPrice },
      });
      versions.push({ id: row.id, inPrice, outPrice });
    }
    await prisma.endpoint.update({ where: { id: endpoint.id }, data: { activeVersionId: versions.at(-1)!.id } });
    made.push({ id: endpoint.id, name, chat, versions });
  }
  const keyIds: string[] = [];
  for (let k = 1; k <= keys; k++) {
    const secret = crypto.randomBytes(24).toString("hex");
    const row = await prisma.apiKey.create({ data: { tenantId, name: `app-${k}`, prefix: `keel_${secret.slice(0, 7)}`, secretHash: crypto.hash("sha256", secret) } });
    keyIds.push(row.id);
  }
  return { id: tenantId, endpoints: made, keyIds };
}

/**
 * Each hour of the month gets its share of `total` records: a working-day curve (a morning bump, an
 * afternoon peak, quiet nights), weekends at a little over half, and traffic growing by a third
 * over the month. Returns [start, seconds, count] per hour, the last hour cut at `to`.
 */
function hourlyShape(total: number, from: number, to: number): [number, number, number][] {
  const hours: [number, number, number][] = [];
  const weights: number[] = [];
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) {
    const start = Math.max(h, from);
    const secs = (Math.min(h + HOUR, to) - start) / 1000;
    const d = new Date(h);
    const hod = d.getUTCHours();
    let w = 0.2 + Math.exp(-(((hod - 15) / 3.5) ** 2)) + 0.6 * Math.exp(-(((hod - 9) / 2) ** 2));
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) w *= 0.55;
    w *= (0.8 + (0.35 * (h - from)) / (to - from)) * (secs / 3600);
    hours.push([start, secs, 0]);
    weights.push(w);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  let given = 0;
  for (let i = 0; i < hours.length; i++) given += hours[i][2] = Math.floor((total * weights[i]) / sum);
  for (let i = 0; given < total; i = (i + 1) % hours.length, given++) hours[i][2] += 1;
  return hours;
}

/**
 * One chunk of history in one statement. Per record: an endpoint (skewed: the first few carry most
 * traffic) and its version of the time (each endpoint moves through its versions over the month,
 * with a tenth of traffic on the next one, a canary), a key (skewed), or a person in the
 * playground (3%); about 3% failures with the codes Keel's gateway sets (rate limits before any
 * version, provider errors and timeouts after), and a two-hour outage of the busiest endpoint ten
 * days ago; log-normal latency around each endpoint's median; half the chat requests streamed with
 * a time to first token; tokens and cost (8 decimals) for answered requests. `insertedAt` is when
 * the record would have been written (the request's end plus a few ms), so the history reads in
 * the order live traffic writes it. Ids are time-ordered UUIDs so that 10 million of them go into
 * the primary key in order; Keel's own are random, which nothing measured here depends on.
 */
const INSERT_RECORDS = `
  WITH raw AS (
    SELECT date_trunc('milliseconds', s.start + random() * s.secs * interval '1 second') AS at,
           1 + least(cardinality($3::text[]) - 1, floor(cardinality($3::text[]) * power(random(), 1.8))::int) AS e,
           1 + least(cardinality($7::text[]) - 1, floor(cardinality($7::text[]) * power(random(), 2.2))::int) AS k,
           random() AS rerr, random() AS rstream, random() AS rcanary, random() AS rplay, random() AS rin, random() AS rout,
           random() AS rttft, random() AS rdelay, random() AS rend, sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z
    FROM unnest($1::timestamptz[], $2::float8[], $13::int[]) AS s(start, secs, n), generate_series(1, s.n)
  ), coded AS (
    SELECT r.*, ($5::bool[])[e] AS chat, ($6::int[])[e] AS nv, ($12::float8[])[e] AS median,
           CASE WHEN e = 1 AND at >= $10::timestamptz AND at < $10::timestamptz + interval '2 hours' AND rerr < 0.45 THEN 'upstream_timeout'
                WHEN rerr < 0.012 THEN 'rate_limit_exceeded' WHEN rerr < 0.017 THEN 'provider_rate_limited'
                WHEN rerr < 0.022 THEN 'provider_error' WHEN rerr < 0.025 THEN 'upstream_timeout'
                WHEN rerr < 0.027 THEN 'upstream_unreachable' WHEN rerr < 0.029 THEN 'client_closed' END AS code,
           least(($6::int[])[e], 1 + floor(($6::int[])[e] * least(0.999, greatest(0, extract(epoch FROM at - $8::timestamptz) / $9::float8)))::int + (rcanary < 0.1)::int) AS vi
    FROM raw r
  ), shaped AS (
    SELECT c.*,
           CASE code WHEN 'rate_limit_exceeded' THEN 429 WHEN 'provider_rate_limited' THEN 429 WHEN 'provider_error' THEN 502
                     WHEN 'upstream_timeout' THEN 504 WHEN 'upstream_unreachable' THEN 502 WHEN 'client_closed' THEN 499 ELSE 200 END AS status,
           CASE WHEN code = 'rate_limit_exceeded' THEN NULL ELSE ($4::text[])[(e - 1) * 3 + vi] END AS version,
           CASE WHEN code = 'rate_limit_exceeded' THEN 1 + floor(rdelay * 4)::int
                WHEN code = 'upstream_timeout' THEN 30000 + floor(rdelay * 1500)::int
                ELSE greatest(2, least(110000, round(exp(ln(median) + 0.75 * z))))::int END AS latency,
           code IS NULL AS ok, chat AND rstream < 0.5 AND coalesce(code, '') <> 'rate_limit_exceeded' AS stream
    FROM coded c
  ), priced AS (
    SELECT s.*, CASE WHEN ok THEN 20 + floor(rin * rin * 3000)::int ELSE 0 END AS input,
           CASE WHEN ok AND chat THEN 5 + floor(rout * 700)::int ELSE 0 END AS output,
           s.at + (s.latency + 1 + rdelay * 4) * interval '1 millisecond' AS inserted
    FROM shaped s
  ), timed AS (
    SELECT p.*, lpad(to_hex((extract(epoch FROM inserted) * 1000)::bigint), 12, '0') AS hx, md5(random()::text) AS rnd FROM priced p
  )
  INSERT INTO "RequestRecord" ("id", "tenantId", "apiKeyId", "userId", "endpointId", "endpointName", "modelVersionId", "route", "stream",
                               "inputHash", "inputTokens", "outputTokens", "costUsd", "latencyMs", "ttftMs", "status", "errorCode", "attempts",
                               "createdAt", "insertedAt", "endUser")
  SELECT substr(hx, 1, 8) || '-' || substr(hx, 9, 4) || '-7' || substr(rnd, 1, 3) || '-8' || substr(rnd, 4, 3) || '-' || substr(rnd, 7, 12),
         $11, CASE WHEN rplay < 0.03 THEN NULL ELSE ($7::text[])[k] END, CASE WHEN rplay < 0.03 THEN $14::text END,
         ($3::text[])[e], ($15::text[])[e], version, CASE WHEN chat THEN 'chat.completions' ELSE 'embeddings' END, stream,
         md5(random()::text) || md5(rnd), input, output,
         CASE WHEN version IS NULL THEN 0 ELSE round(((input * ($16::float8[])[(e - 1) * 3 + vi] + output * ($17::float8[])[(e - 1) * 3 + vi]) / 1e6)::numeric, 8) END,
         latency, CASE WHEN stream THEN least(latency, 60 + floor(rttft * rttft * 900)::int) END, status, code,
         CASE WHEN code IN ('provider_error', 'upstream_unreachable') AND rdelay < 0.3 THEN 2 ELSE 1 END, at, inserted,
         CASE WHEN rend < 0.6 THEN 'end-user-' || floor(5000 * power(rend / 0.6, 2))::int END
  FROM timed`;


type Chunk = { from: number; rows: number; values: unknown[] };

/** The tenant's `total` records over [from, to) as INSERT_RECORDS statements of about CHUNK_ROWS rows each, oldest first. */
function chunksOf(t: SeededTenant, total: number, from: number, to: number, ownerId: string | null): Chunk[] {
  const hours = hourlyShape(total, from, to);
  const slots = (f: (v: Version) => unknown) => t.endpoints.flatMap((e) => [0, 1, 2].map((i) => (e.versions[i] ? f(e.versions[i]) : null)));
  const medians = t.endpoints.map((e) => ENDPOINTS.find(([n]) => n === e.name)?.[3] ?? 500);
  const chunks: Chunk[] = [];
  for (let i = 0; i < hours.length; ) {
    const part: [number, number, number][] = [];
    let rows = 0;
    while (i < hours.length && (rows === 0 || rows + hours[i][2] <= CHUNK_ROWS)) {
      part.push(hours[i]);
      rows += hours[i++][2];
    }
    chunks.push({
      from: part[0][0], rows,
      values: [
        part.map((h) => new Date(h[0])), part.map((h) => h[1]), t.endpoints.map((e) => e.id), slots((v) => v.id), t.endpoints.map((e) => e.chat),
        t.endpoints.map((e) => e.versions.length), t.keyIds, new Date(from), (to - from) / 1000, new Date(to - 10 * DAY), t.id, medians,
        part.map((h) => h[2]), ownerId, t.endpoints.map((e) => e.name), slots((v) => v.inPrice), slots((v) => v.outPrice),
      ],
    });
  }
  return chunks;
}

/**
 * Seals the tenant's records as Keel's sealer does, up to `bound()` (ms; null: everything), until
 * `bound()` turns null and nothing is left. Records of a chunk still being inserted are no older
 * than the chunk's first hour, so a bound there keeps the seals off rows that have not committed:
 * the margin stands in for the commit watermark, which a history dated in the past would not hold back.
 */
async function sealBehind(pool: pg.Pool, tenantId: string, bound: () => number | null, onSeal: (count: number) => void): Promise<void> {
  for (;;) {
    const b = bound();
    const seal = await sealTenantRequests(pool, tenantId, { marginMs: b === null ? 0 : Math.max(0, Date.now() - b) });
    if (seal) onSeal(seal.count);
    else if (b === null) return;
    else await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Marks the tenant's whole history sealed with one placeholder seal (no root, no record list, no
 * audit event of its own: verify would reject it), so that the Keel started on it finds nothing to
 * seal, as a running install's sealer would have sealed it as it came. Sealing ten million records
 * for real takes longer than the rest of this bench together; what it costs is bench:audit's subject.
 */
async function placeholderSeal(pool: pg.Pool, tenantId: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO "RequestSeal" ("id", "tenantId", "seq", "auditSeq", "firstInsertedAt", "firstId", "lastInsertedAt", "lastId", "count", "root", "recordIds")
     SELECT $2, t."id", 1, t."auditSeq", f."insertedAt", f."id", l."insertedAt", l."id", $3, 'bench-placeholder', '{}'
     FROM "Tenant" t,
          LATERAL (SELECT r."insertedAt", r."id" FROM "RequestRecord" r WHERE r."tenantId" = t."id" ORDER BY r."insertedAt", r."id" LIMIT 1) f,
          LATERAL (SELECT r."insertedAt", r."id" FROM "RequestRecord" r WHERE r."tenantId" = t."id" ORDER BY r."insertedAt" DESC, r."id" DESC LIMIT 1) l
     WHERE t."id" = $1`,
    [tenantId, crypto.randomUUID(), count],
  );
}

export type SealMode = "placeholder" | "real";

/**
 * Seeds a month of history ending a minute ago: `records` for the busy tenant (`mainId`, made by
 * seedKeel, whose owner also uses the playground), 1% (at least 100) for a second tenant. Inserts
 * run `inFlight` at a time (the server takes two on these 2 cores; the embedded database has one
 * connection). `seal`: a placeholder seal per tenant, or Keel's sealer sealing what has committed
 * while the inserts go on, as Keel seals records as they come.
 */
export async function seedHistory(
  prisma: PrismaClient, pool: pg.Pool, opts: { mainId: string; records: number; inFlight: number; seal: SealMode; log: (line: string) => void },
): Promise<History> {
  const timings: [string, number][] = [];
  const to = Date.now() - 60_000;
  const from = to - 30 * DAY;
  const t0 = performance.now();
  const owner = await prisma.membership.findFirst({ where: { tenantId: opts.mainId, role: "OWNER" } });
  const slug = (await prisma.tenant.findUniqueOrThrow({ where: { id: opts.mainId } })).slug;
  const main: SeededTenant = { ...(await createWorld(prisma, opts.mainId, ENDPOINTS, 20)), slug, records: opts.records };
  const tenant = await prisma.tenant.create({ data: { slug: "bench-other", name: "Bench other" } });
  await prisma.provider.create({ data: { tenantId: tenant.id, name: "other-upstream", kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const other: SeededTenant = { ...(await createWorld(prisma, tenant.id, [ENDPOINTS[0], ENDPOINTS[6]], 3)), slug: tenant.slug, records: Math.max(100, Math.round(opts.records / 100)) };
  timings.push(["endpoints, versions, keys; a second tenant", performance.now() - t0]);

  const t1 = performance.now();
  for (const c of chunksOf(other, other.records, from, to, null)) await pool.query(INSERT_RECORDS, c.values);
  const chunks = chunksOf(main, main.records, from, to, owner?.userId ?? null);
  const committed = new Array<boolean>(chunks.length).fill(false);
  let inserted = 0;
  let sealed = 0;
  let lastLog = performance.now();
  const progress = (force = false) => {
    if (!force && performance.now() - lastLog < 10_000) return;
    lastLog = performance.now();
    const s = (performance.now() - t1) / 1000;
    opts.log(`${main.slug}: ${int(inserted)} of ${int(main.records)} records inserted (${int(inserted / s)}/s)${opts.seal === "real" ? `, ${int(sealed)} sealed (${int(sealed / s)}/s)` : ""}`);
  };
  const bound = () => {
    const next = committed.indexOf(false);
    return next < 0 ? null : chunks[next].from;
  };
  const sealing = opts.seal === "real" ? sealBehind(pool, main.id, bound, (n) => ((sealed += n), progress())) : Promise.resolve();
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const i = next++;
      await pool.query(INSERT_RECORDS, chunks[i].values);
      committed[i] = true;
      inserted += chunks[i].rows;
      progress();
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.inFlight }, worker));
  } finally {
    // The sealing loop ends once every chunk has committed (or failed: it must not wait forever).
    committed.fill(true);
  }
  const insertMs = performance.now() - t1;
  progress(true);
  timings.push([`request records (${int(main.records + other.records)}), inserted`, insertMs]);
  if (opts.seal === "real") {
    await sealing;
    await sealBehind(pool, other.id, () => null, (n) => (sealed += n));
    timings.push(["  and sealed by Keel's sealer as they committed (setup, not measured), done after", performance.now() - t1]);
  } else {
    for (const t of [main, other]) await placeholderSeal(pool, t.id, t.records);
    timings.push(["  marked sealed with a placeholder seal per tenant (--seal real seals them for real)", performance.now() - t1 - insertMs]);
  }
  return { main, other, from, to, timings, insertMs, sealedMs: performance.now() - t1 };
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
