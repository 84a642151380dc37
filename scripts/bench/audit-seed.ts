// Seeding for `npm run bench:audit`: a busy tenant (and a small second one, so tenant scoping is
// exercised) with a month of change events, chained and signed as Keel chains them, and request
// records written by the gateway's own record writer (MACs included), then sealed by the real sealer.
import crypto from "node:crypto";
import type pg from "pg";
import { GENESIS_HASH, chainHash, toPlainJson, type ChainedContent } from "../../lib/audit/chain";
import { deriveMacKeys } from "../../lib/audit/request-record-hash";
import { watchCommittedRecords } from "../../lib/audit/committed-records";
import { sealTenantRequests, type LeafCache } from "../../lib/audit/seal-requests";
import { auditKeys, signHead } from "../../lib/audit/signer";
import type { PrismaClient } from "../../lib/db/client";
import { insertRequestRecords, type RequestRecordRow } from "../../lib/gateway/record-writer";
import { activeAt, cumulative, endpointAt, makeTenant, prng, tenantHistory, zipf, type Change, type Endpoint, type Rng, type TenantShape } from "./audit-world";

const DAY = 86_400_000;
const EVENT_BATCH = 2_000;
const RECORD_BATCH = 5_000;
/** Records written between two sealing runs (Keel's sealer runs every 2,000 records or every minute). */
const SEAL_EVERY = 50_000;

/** How many of each a tenant's filters would find, so the bench can name the values it filters by. */
export type TenantStats = {
  records: number;
  events: number;
  byKey: Map<string, number>;
  byUser: Map<string, number>;
  byVersion: Map<string, number>;
  byVersionLast7d: Map<string, number>;
  byEndpoint: Map<string, number>;
  byStatus: Map<number, number>;
  byCode: Map<string, number>;
  /** Only the inputs sent again and again (a tenth of requests); the rest are unique. */
  byHash: Map<string, number>;
  /** A record from the middle of the month, to look up by id. */
  middleRequestId: string;
};

export type SeededTrail = {
  main: TenantShape; other: TenantShape; stats: TenantStats; now: number; timings: [string, number][];
  /** An endpoint nobody touched after day 8 of the month, and when the busiest endpoint's provider was down. */
  retired: Endpoint; outage: Outage;
};

export type SeedOptions = { records: number; events: number; log: (line: string) => void };

/**
 * Seeds both tenants, their change events and request records, and seals every record. `now` is
 * the end of the month the trail covers; everything is dated before it.
 */
export async function seedTrail(prisma: PrismaClient, pool: pg.Pool, opts: SeedOptions): Promise<SeededTrail> {
  const rng = prng(20261204);
  const now = Date.now();
  const start = now - 30 * DAY;
  const timings: [string, number][] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    timings.push([name, performance.now() - t0]);
    return result;
  };
  const main = makeTenant(rng, "bench-audit", { people: 10, keys: 24, revoked: 4, versions: [3, 4, 2, 3, 2, 4, 3, 2], embeddings: 2 });
  const other = makeTenant(rng, "bench-other", { people: 2, keys: 3, revoked: 0, versions: [2, 2], embeddings: 0 });
  // Time-correlated data, where a plan that scans the newest rows and filters them reads far:
  // an endpoint retired early in the month, and a two-hour provider outage ten days ago.
  const retired = main.endpoints.at(-1)!;
  retired.retiredAt = start + 8 * DAY;
  const seed = { retired, outage: { from: now - 10 * DAY, to: now - 10 * DAY + 2 * 3600_000 } };
  const otherRecords = Math.max(100, Math.round(opts.records / 100));
  const otherEvents = Math.max(60, Math.round(opts.events / 100));

  await timed("tenants, members, keys, endpoints", async () => {
    await createRows(prisma, main);
    await createRows(prisma, other);
  });
  await timed(`change events (${int(opts.events + otherEvents)})`, async () => {
    await insertHistory(pool, main, tenantHistory(rng, main, opts.events, start - 3600_000, now - 120_000), opts.log);
    await insertHistory(pool, other, tenantHistory(rng, other, otherEvents, start - 3600_000, now - 120_000), opts.log);
    for (const t of [main, other]) await finishRows(pool, t);
  });
  const macKey = deriveMacKeys(process.env.KEEL_AUDIT_SIGNING_KEY!)[0];
  // As in Keel: the writer hands the sealer each committed record's leaf, so sealing reads no record
  // back, and the sealer seals as records come in rather than a million at the end.
  const leaves: LeafCache = new Map();
  const unwatch = watchCommittedRecords((rows) => {
    for (const r of rows) leaves.set(r.id, { mac: r.mac, leaf: r.leaf });
  });
  let sealMs = 0;
  const seals = new Map<string, number>();
  const seal = async (t: TenantShape) => {
    const t0 = performance.now();
    for (;;) {
      const done = await sealTenantRequests(pool, t.id, { marginMs: 0, leaves });
      if (!done) break;
      for (const id of done.recordIds) leaves.delete(id);
      seals.set(t.slug, (seals.get(t.slug) ?? 0) + 1);
    }
    sealMs += performance.now() - t0;
  };
  let stats: TenantStats;
  try {
    stats = await timed(`request records (${int(opts.records + otherRecords)}), sealed as they come`, async () => {
      const s = await insertRecords(rng, main, opts.records, start, now, macKey, () => seal(main), opts.log, seed.outage);
      await insertRecords(rng, other, otherRecords, start, now, macKey, () => seal(other), () => {});
      return s;
    });
  } finally {
    unwatch();
  }
  timings.push([`  of which sealing (${[...seals].map(([slug, n]) => `${slug}: ${int(n)} seals`).join(", ")})`, sealMs]);
  stats.events = opts.events;
  return { main, other, stats, now, timings, ...seed };
}

async function createRows(prisma: PrismaClient, t: TenantShape) {
  await prisma.tenant.create({ data: { id: t.id, slug: t.slug, name: t.slug } });
  await prisma.user.createMany({ data: t.people.map((p) => ({ id: p.id, email: p.email, name: p.email.split("@")[0] })) });
  await prisma.membership.createMany({ data: t.people.map((p) => ({ id: p.membershipId, tenantId: t.id, userId: p.id, role: p.role })) });
  await prisma.provider.createMany({ data: t.providers.map((p) => ({ id: p.id, tenantId: t.id, name: p.name, kind: "OPENAI_COMPATIBLE" as const, baseUrl: p.baseUrl })) });
  await prisma.endpoint.createMany({ data: t.endpoints.map((e) => ({ id: e.id, tenantId: t.id, name: e.name, kind: e.kind })) });
  await prisma.modelVersion.createMany({
    data: t.endpoints.flatMap((e) => e.versions.map((v) => ({
      id: v.id, tenantId: t.id, endpointId: e.id, label: v.label, providerId: v.providerId, providerModel: v.providerModel, inputPricePerMTok: v.inPrice, outputPricePerMTok: v.outPrice,
    }))),
  });
  await prisma.apiKey.createMany({ data: t.keys.map((k) => ({ id: k.id, tenantId: t.id, name: k.name, prefix: k.prefix, secretHash: crypto.randomBytes(32).toString("hex") })) });
}

/** The rows as the history left them: each endpoint's active version, revoked keys, the roles members ended with. */
async function finishRows(pool: pg.Pool, t: TenantShape) {
  for (const e of t.endpoints) {
    const timeline = t.activations.get(e.id)!;
    await pool.query(`UPDATE "Endpoint" SET "activeVersionId" = $2 WHERE "id" = $1`, [e.id, timeline.versionId.at(-1)]);
  }
  for (const k of t.keys) if (k.revokeAt) await pool.query(`UPDATE "ApiKey" SET "revokedAt" = $2 WHERE "id" = $1`, [k.id, new Date(k.revokeAt)]);
  for (const p of t.people) await pool.query(`UPDATE "Membership" SET "role" = $2::"Role" WHERE "id" = $1`, [p.membershipId, p.role]);
}

const EVENT_COLUMNS = [
  ["id", "text"], ["tenantId", "text"], ["seq", "int4"], ["actorType", "text"], ["actorId", "text"], ["actorLabel", "text"], ["action", "text"],
  ["resourceType", "text"], ["resourceId", "text"], ["before", "text"], ["after", "text"], ["ip", "text"], ["userAgent", "text"], ["requestId", "text"],
  ["createdAt", "timestamptz"], ["prevHash", "text"], ["hash", "text"],
] as const;
const CAST: Record<string, string> = { actorType: `::"ActorType"`, before: "::jsonb", after: "::jsonb" };
const INSERT_EVENTS =
  `INSERT INTO "AuditEvent" (${EVENT_COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
  `SELECT ${EVENT_COLUMNS.map(([c]) => `"${c}"${CAST[c] ?? ""}`).join(", ")} FROM unnest(${EVENT_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")}) ` +
  `AS u(${EVENT_COLUMNS.map(([c]) => `"${c}"`).join(", ")})`;
const INSERT_HEADS =
  `INSERT INTO "AuditHead" ("id", "tenantId", "seq", "hash", "keyId", "signature", "signedAt") ` +
  `SELECT * FROM unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`;

/**
 * Appends the history to the tenant's chain in multi-row INSERTs: each event linked to the one
 * before and its head signed with Keel's key, as prepareAuditEvent builds them (lib/audit/record.ts),
 * but dated when the change happened; prepareAuditEvent stamps the current time, and a trail whose
 * events all carry the seeding minute would not be a month of history.
 */
async function insertHistory(pool: pg.Pool, t: TenantShape, history: Iterable<Change>, log: (line: string) => void) {
  const keys = auditKeys();
  let prevHash = GENESIS_HASH;
  let seq = 0;
  let events: unknown[][] = EVENT_COLUMNS.map(() => []);
  let heads: unknown[][] = Array.from({ length: 7 }, () => []);
  const flush = async () => {
    if (events[0].length === 0) return;
    await pool.query(INSERT_EVENTS, events);
    await pool.query(INSERT_HEADS, heads);
    events = EVENT_COLUMNS.map(() => []);
    heads = Array.from({ length: 7 }, () => []);
  };
  for (const change of history) {
    seq += 1;
    const createdAt = new Date(change.at);
    const content: ChainedContent = {
      tenantId: t.id, seq, actorType: change.actor.type, actorId: change.actor.id, actorLabel: change.actor.label,
      action: change.event.action, resourceType: change.event.resourceType, resourceId: change.event.resourceId ?? null,
      before: toPlainJson(change.event.before), after: toPlainJson(change.event.after),
      ip: change.request.ip, userAgent: change.request.userAgent, requestId: change.request.requestId, createdAt,
    };
    const hash = chainHash(prevHash, content);
    const head = signHead(keys, { tenantId: t.id, seq, hash, signedAt: createdAt });
    const row: Record<string, unknown> = {
      ...content, id: `c${crypto.randomBytes(12).toString("hex")}`, createdAt: createdAt.toISOString(), prevHash, hash,
      before: content.before === null ? null : JSON.stringify(content.before), after: content.after === null ? null : JSON.stringify(content.after),
    };
    EVENT_COLUMNS.forEach(([c], i) => events[i].push(row[c]));
    [`c${crypto.randomBytes(12).toString("hex")}`, t.id, seq, hash, head.keyId, head.signature, head.signedAt.toISOString()].forEach((v, i) => heads[i].push(v));
    prevHash = hash;
    if (events[0].length >= EVENT_BATCH) await flush();
    if (seq % 25_000 === 0) log(`${t.slug}: ${int(seq)} change events`);
  }
  await flush();
  await pool.query(`UPDATE "Tenant" SET "auditSeq" = $2 WHERE "id" = $1`, [t.id, seq]);
}

const ERRORS: { status: number; code: string; reachedProvider: boolean; weight: number }[] = [
  { status: 429, code: "rate_limit_exceeded", reachedProvider: false, weight: 40 },
  { status: 400, code: "invalid_request_error", reachedProvider: true, weight: 15 },
  { status: 429, code: "provider_rate_limited", reachedProvider: true, weight: 10 },
  { status: 500, code: "provider_error", reachedProvider: true, weight: 10 },
  { status: 502, code: "upstream_unreachable", reachedProvider: true, weight: 10 },
  { status: 504, code: "upstream_timeout", reachedProvider: true, weight: 10 },
  { status: 499, code: "client_closed", reachedProvider: true, weight: 5 },
];
const TIMEOUT = ERRORS.find((e) => e.code === "upstream_timeout")!;

/** A provider outage: half the busiest endpoint's requests in the window time out. */
export type Outage = { from: number; to: number };

/**
 * Writes `count` records dated across [start, end) through the gateway's record writer
 * (insertRequestRecords: the same multi-row INSERT and MACs), two batches in flight so the MACs of
 * one are computed while the database stores the other, and `seal` after every SEAL_EVERY records
 * and at the end. Returns what the filters will find.
 */
async function insertRecords(
  rng: Rng, t: TenantShape, count: number, start: number, end: number, macKey: ReturnType<typeof deriveMacKeys>[number],
  seal: () => Promise<void>, log: (line: string) => void, outage: Outage | null = null,
): Promise<TenantStats> {
  const stats: TenantStats = {
    records: count, events: 0, byKey: new Map(), byUser: new Map(), byVersion: new Map(), byVersionLast7d: new Map(), byEndpoint: new Map(),
    byStatus: new Map(), byCode: new Map(), byHash: new Map(), middleRequestId: "",
  };
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = start + rng.next() * (end - start - 5_000);
  times.sort();
  const keyWeights = cumulative(zipf(t.keys.length));
  const endpointWeights = cumulative(zipf(t.endpoints.length));
  const errorWeights = cumulative(ERRORS.map((e) => e.weight));
  // Inputs sent again (retries, the same prompt from a batch job): a tenth of requests, from 2,000 bodies.
  const repeated = Array.from({ length: 2_000 }, () => rng.hex(32));
  const repeatWeights = cumulative(zipf(repeated.length));
  const developers = t.people.filter((p) => p.role !== "VIEWER" && p.role !== "AUDITOR");
  const versions = new Map(t.endpoints.flatMap((e) => e.versions.map((v) => [v.id, v])));
  const weekAgo = end - 7 * DAY;
  const inFlight: Promise<void>[] = [];
  for (let first = 0; first < count; first += RECORD_BATCH) {
    const rows: RequestRecordRow[] = [];
    for (let i = first; i < Math.min(count, first + RECORD_BATCH); i++) {
      const at = Math.floor(times[i]);
      // A few requests come from the console's playground: a person, no key.
      const person = rng.next() < 0.03 ? rng.pick(developers) : null;
      let key = person ? null : t.keys[rng.weighted(keyWeights)];
      if (key?.revokeAt && key.revokeAt <= at) key = t.keys[0];
      const e = endpointAt(t, rng.weighted(endpointWeights), at);
      const down = outage && e === t.endpoints[0] && at >= outage.from && at < outage.to && rng.next() < 0.5;
      const error = down ? TIMEOUT : rng.next() < 0.02 ? ERRORS[rng.weighted(errorWeights)] : null;
      const version = error && !error.reachedProvider ? null : versions.get(activeAt(t, e.id, at))!;
      const stream = e.kind === "CHAT" && rng.next() < 0.35;
      const ok = !error;
      const inputTokens = ok || error.reachedProvider ? rng.int(20, 2000) : 0;
      const outputTokens = ok && e.kind === "CHAT" ? rng.int(10, 800) : 0;
      const latencyMs = Math.round(40 * Math.exp(rng.next() * 4.5));
      const again = rng.next() < 0.1;
      const inputHash = again ? repeated[rng.weighted(repeatWeights)] : rng.hex(32);
      const row: RequestRecordRow = {
        id: crypto.randomUUID(), tenantId: t.id, apiKeyId: key?.id ?? null, userId: person?.id ?? null, endpointId: e.id, endpointName: e.name,
        modelVersionId: version?.id ?? null, route: e.kind === "CHAT" ? "chat.completions" : "embeddings", stream, inputHash, inputTokens, outputTokens,
        tokensEstimated: stream && rng.next() < 0.05,
        costUsd: version ? ((inputTokens * version.inPrice + outputTokens * version.outPrice) / 1e6).toFixed(8) : "0.00000000",
        latencyMs, ttftMs: stream ? Math.min(latencyMs, rng.int(80, 900)) : null, status: error?.status ?? 200, errorCode: error?.code ?? null,
        attempts: error?.reachedProvider && rng.next() < 0.3 ? 2 : 1, createdAt: new Date(at),
      };
      rows.push(row);
      if (key) bump(stats.byKey, key.id);
      if (person) bump(stats.byUser, person.id);
      if (version) bump(stats.byVersion, version.id);
      if (version && at >= weekAgo) bump(stats.byVersionLast7d, version.id);
      bump(stats.byEndpoint, e.id);
      bump(stats.byStatus, row.status);
      if (row.errorCode) bump(stats.byCode, row.errorCode);
      if (again) bump(stats.byHash, inputHash);
      if (i === Math.floor(count / 2)) stats.middleRequestId = row.id;
    }
    inFlight.push(insertRequestRecords(rows, macKey));
    if (inFlight.length >= 2) await inFlight.shift();
    const done = first + rows.length;
    if (done % SEAL_EVERY === 0) {
      await Promise.all(inFlight.splice(0));
      await seal();
    }
    if (done % 100_000 === 0) log(`${t.slug}: ${int(done)} request records, sealed`);
  }
  await Promise.all(inFlight);
  await seal();
  return stats;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
