import type pg from "pg";
import { isoMicros } from "@/lib/audit/record-rows";
import { canReadActivity, commitWatermarkSql } from "@/lib/db/commit-watermark";
import { inTransaction } from "@/lib/db/transaction";
import { addValue, histogramLiteral } from "./histogram";
import { fromUnits, toUnits } from "./money";

export type RollupOptions = {
  /** Records per transaction, at most (2000): one batch is one short transaction on the shared connection. */
  batchSize?: number;
  /** Records younger than this wait for the next run (1000 ms); see commitWatermarkSql(). */
  marginMs?: number;
  /** A statement running longer than this is not a record insert the rollup waits for (5 min). */
  stallLimitMs?: number;
  /** Minute buckets older than this are not kept (48 h); hours and days are. */
  minuteRetentionMs?: number;
  /** The clock, for minute retention (tests). */
  now?: () => number;
};

export type RollupBatch = { records: number; rows: number };

const GRAINS = [
  ["MINUTE", 60_000],
  ["HOUR", 3_600_000],
  ["DAY", 86_400_000],
] as const;
export const MINUTE_RETENTION_MS = 48 * 3_600_000;
/** Error codes (and finish reasons) a rollup row keeps by name; the rest count as "other". */
const MAX_COUNTED_NAMES = 32;
let activityReadable: boolean | undefined;

type RecordRow = {
  id: string; insertedAt: string; at: number; endpointId: string | null; versionId: string | null; apiKeyId: string | null; userId: string | null;
  status: number; errorCode: string | null; inputTokens: number; outputTokens: number; cost: string; latencyMs: number; ttftMs: number | null;
  finishReason: string | null; endUser: string | null;
};
type Cell = {
  endpointId: string; versionId: string; apiKeyId: string; userId: string; grain: string; bucket: number;
  requests: number; errors: number; codes: Map<string, number>; finishes: Map<string, number>; inputTokens: number; outputTokens: number; cost: bigint; latency: number[]; ttft: number[]; outputs: number[];
};

/**
 * Adds the tenant's next batch of request records (in the order seals read them, up to the commit
 * watermark) to its rollups, and moves its cursor, in one transaction: a crash before the commit
 * leaves both as they were, so a restart counts each record once. Holding the cursor row (SKIP
 * LOCKED) lets rollups in several instances share the tenants; a tenant another one is rolling up
 * returns null, as does a tenant with nothing ready.
 */
export async function rollupTenant(pool: pg.Pool, tenantId: string, opts: RollupOptions = {}): Promise<RollupBatch | null> {
  activityReadable ??= await canReadActivity(pool);
  return inTransaction(pool, (client) => rollupIn(client, tenantId, opts));
}

async function rollupIn(client: pg.PoolClient, tenantId: string, opts: RollupOptions): Promise<RollupBatch | null> {
  const query = async <T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    (await client.query<T>({ name, text, values })).rows;
  await query("keel_rollup_cursor_new", `INSERT INTO "RollupCursor" ("tenantId", "lastInsertedAt", "lastId") VALUES ($1, '-infinity', '') ON CONFLICT DO NOTHING`, [tenantId]);
  const [cursor] = await query<{ lastInsertedAt: string; lastId: string; w: string }>(
    activityReadable ? "keel_rollup_cursor" : "keel_rollup_cursor_noactivity",
    `SELECT CASE WHEN "lastInsertedAt" = '-infinity' THEN '-infinity' ELSE ${isoMicros(`"lastInsertedAt"`)} END AS "lastInsertedAt", "lastId",
            ${isoMicros(commitWatermarkSql(activityReadable!, "$2", "$3"))} AS "w"
     FROM "RollupCursor" WHERE "tenantId" = $1 FOR UPDATE SKIP LOCKED`,
    [tenantId, opts.marginMs ?? 1000, ...(activityReadable ? [opts.stallLimitMs ?? 5 * 60_000] : [])],
  );
  if (!cursor) return null;
  // A later statement, so a fresh snapshot: every record below the watermark has committed. The
  // order names the table's columns: the bare names would sort by the text aliases, which no index
  // holds, so every record after the cursor would be read and sorted for each batch.
  const records = await query<RecordRow>("keel_rollup_records",
    `SELECT "id", ${isoMicros(`"insertedAt"`)} AS "insertedAt", (extract(epoch FROM "createdAt") * 1000)::float8 AS "at",
            "endpointId", "modelVersionId" AS "versionId", "apiKeyId", "userId", "status", "errorCode", "inputTokens", "outputTokens",
            "costUsd"::text AS "cost", "latencyMs", "ttftMs", "finishReason", "endUser"
     FROM "RequestRecord"
     WHERE "tenantId" = $1 AND ("insertedAt", "id") > ($2::timestamptz, $3) AND "insertedAt" < $4::timestamptz
     ORDER BY "RequestRecord"."insertedAt", "RequestRecord"."id" LIMIT $5`,
    [tenantId, cursor.lastInsertedAt, cursor.lastId, cursor.w, opts.batchSize ?? 2000],
  );
  if (records.length === 0) return null;
  const cells = sumRecords(records, (opts.now?.() ?? Date.now()) - (opts.minuteRetentionMs ?? MINUTE_RETENTION_MS));
  await query("keel_rollup_upsert", UPSERT_SQL, [
    tenantId, cells.map((c) => c.endpointId), cells.map((c) => c.versionId), cells.map((c) => c.apiKeyId), cells.map((c) => c.userId), cells.map((c) => c.grain),
    cells.map((c) => new Date(c.bucket).toISOString()), cells.map((c) => c.requests), cells.map((c) => c.errors),
    cells.map((c) => countsJson(c.codes)), cells.map((c) => c.inputTokens), cells.map((c) => c.outputTokens),
    cells.map((c) => fromUnits(c.cost)), cells.map((c) => histogramLiteral(c.latency)), cells.map((c) => histogramLiteral(c.ttft)), cells.map((c) => histogramLiteral(c.outputs)),
    cells.map((c) => countsJson(c.finishes)),
  ]);
  const spenders = sumEndUsers(records);
  if (spenders.length > 0) {
    await query("keel_rollup_end_users", END_USER_UPSERT_SQL, [
      tenantId, spenders.map((c) => c.endUser), spenders.map((c) => new Date(c.day).toISOString()), spenders.map((c) => c.requests), spenders.map((c) => c.errors),
      spenders.map((c) => c.inputTokens), spenders.map((c) => c.outputTokens), spenders.map((c) => fromUnits(c.cost)),
    ]);
  }
  const last = records[records.length - 1];
  await query("keel_rollup_cursor_move",
    `UPDATE "RollupCursor" SET "lastInsertedAt" = $2::timestamptz, "lastId" = $3, "records" = "records" + $4, "updatedAt" = now() WHERE "tenantId" = $1`,
    [tenantId, last.insertedAt, last.id, records.length],
  );
  return { records: records.length, rows: cells.length };
}

const UPSERT_SQL = `
  INSERT INTO "UsageRollup" ("tenantId", "endpointId", "versionId", "apiKeyId", "userId", "grain", "bucket", "requests", "errors", "errorCodes",
                             "inputTokens", "outputTokens", "costUsd", "latency", "ttft", "outputs", "finishReasons")
  SELECT $1, e, v, k, u, g::"RollupGrain", b, n, err, codes::jsonb, it, ot, cost::numeric, lat::int8[], ttft::int8[], outs::int8[], fin::jsonb
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int[], $9::int[], $10::text[], $11::int8[], $12::int8[],
              $13::text[], $14::text[], $15::text[], $16::text[], $17::text[]) AS r(e, v, k, u, g, b, n, err, codes, it, ot, cost, lat, ttft, outs, fin)
  ON CONFLICT ("tenantId", "endpointId", "versionId", "apiKeyId", "userId", "grain", "bucket") DO UPDATE SET
    "requests" = "UsageRollup"."requests" + EXCLUDED."requests",
    "errors" = "UsageRollup"."errors" + EXCLUDED."errors",
    "errorCodes" = keel_counts_add("UsageRollup"."errorCodes", EXCLUDED."errorCodes"),
    "inputTokens" = "UsageRollup"."inputTokens" + EXCLUDED."inputTokens",
    "outputTokens" = "UsageRollup"."outputTokens" + EXCLUDED."outputTokens",
    "costUsd" = "UsageRollup"."costUsd" + EXCLUDED."costUsd",
    "latency" = keel_hist_add("UsageRollup"."latency", EXCLUDED."latency"),
    "ttft" = keel_hist_add("UsageRollup"."ttft", EXCLUDED."ttft"),
    "outputs" = keel_hist_add("UsageRollup"."outputs", EXCLUDED."outputs"),
    "finishReasons" = keel_counts_add("UsageRollup"."finishReasons", EXCLUDED."finishReasons")`;

const END_USER_UPSERT_SQL = `
  INSERT INTO "EndUserRollup" ("tenantId", "endUser", "day", "requests", "errors", "inputTokens", "outputTokens", "costUsd")
  SELECT $1, eu, d, n, err, it, ot, cost::numeric
  FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::int8[], $7::int8[], $8::text[]) AS r(eu, d, n, err, it, ot, cost)
  ON CONFLICT ("tenantId", "day", "endUser") DO UPDATE SET
    "requests" = "EndUserRollup"."requests" + EXCLUDED."requests",
    "errors" = "EndUserRollup"."errors" + EXCLUDED."errors",
    "inputTokens" = "EndUserRollup"."inputTokens" + EXCLUDED."inputTokens",
    "outputTokens" = "EndUserRollup"."outputTokens" + EXCLUDED."outputTokens",
    "costUsd" = "EndUserRollup"."costUsd" + EXCLUDED."costUsd"`;

type EndUserCell = { endUser: string; day: number; requests: number; errors: number; inputTokens: number; outputTokens: number; cost: bigint };

/** The batch's spend per end user (the request's `user` field) and UTC day. */
function sumEndUsers(records: readonly RecordRow[]): EndUserCell[] {
  const cells = new Map<string, EndUserCell>();
  for (const r of records) {
    if (r.endUser === null) continue;
    const day = Math.floor(r.at / 86_400_000) * 86_400_000;
    const key = `${day}|${r.endUser}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { endUser: r.endUser, day, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: 0n }));
    c.requests += 1;
    if (r.status >= 400) c.errors += 1;
    c.inputTokens += r.inputTokens;
    c.outputTokens += r.outputTokens;
    c.cost += toUnits(r.cost);
  }
  return [...cells.values()];
}

/**
 * The batch's sums per grain, bucket and grouping. Each record counts once in each grouping that
 * applies to it: the tenant; its endpoint; its endpoint and version; its key; its console user (a
 * record without an endpoint, version, key or user, say a refused model name, is in the tenant's sums only).
 * The cells a record counts in are found once per minute and full grouping, which under load a
 * batch's records share: one lookup a record rather than one per cell (measured: about 3x less
 * time for a batch of 2,000 records of one endpoint and key).
 */
function sumRecords(records: readonly RecordRow[], minuteCutoff: number): Cell[] {
  const cells = new Map<string, Cell>();
  const targets = new Map<string, Cell[]>();
  for (const r of records) {
    // Records before the cutoff count in hours and days but not in minutes.
    const old = r.at < minuteCutoff;
    const minute = Math.floor(r.at / 60_000) * 60_000;
    const key = `${minute}|${old ? 1 : 0}|${r.endpointId ?? ""}|${r.versionId ?? ""}|${r.apiKeyId ?? ""}|${r.userId ?? ""}`;
    let into = targets.get(key);
    if (!into) targets.set(key, (into = cellsFor(cells, r, minute, old)));
    const cost = toUnits(r.cost);
    const code = r.status >= 400 ? (r.errorCode ?? `http_${r.status}`) : null;
    for (const c of into) {
      c.requests += 1;
      if (code) {
        c.errors += 1;
        countBounded(c.codes, code);
      }
      if (r.finishReason) countBounded(c.finishes, r.finishReason);
      c.inputTokens += r.inputTokens;
      c.outputTokens += r.outputTokens;
      c.cost += cost;
      addValue(c.latency, r.latencyMs);
      if (r.ttftMs !== null) addValue(c.ttft, r.ttftMs);
      addValue(c.outputs, r.outputTokens);
    }
  }
  return [...cells.values()];
}

/** The cells, made as needed, that a record of this minute (`at`) and grouping counts in. */
function cellsFor(cells: Map<string, Cell>, r: RecordRow, at: number, old: boolean): Cell[] {
  const groups: [string, string, string, string][] = [["", "", "", ""]];
  if (r.endpointId) groups.push([r.endpointId, "", "", ""]);
  if (r.endpointId && r.versionId) groups.push([r.endpointId, r.versionId, "", ""]);
  if (r.apiKeyId) groups.push(["", "", r.apiKeyId, ""]);
  if (r.userId) groups.push(["", "", "", r.userId]);
  const into: Cell[] = [];
  for (const [grain, size] of GRAINS) {
    if (grain === "MINUTE" && old) continue;
    const bucket = Math.floor(at / size) * size;
    for (const [endpointId, versionId, apiKeyId, userId] of groups) {
      const key = `${grain}|${bucket}|${endpointId}|${versionId}|${apiKeyId}|${userId}`;
      let c = cells.get(key);
      if (!c) {
        c = { endpointId, versionId, apiKeyId, userId, grain, bucket, requests: 0, errors: 0, codes: new Map(), finishes: new Map(), inputTokens: 0, outputTokens: 0, cost: 0n, latency: [], ttft: [], outputs: [] };
        cells.set(key, c);
      }
      into.push(c);
    }
  }
  return into;
}

/**
 * Adds one to a name's count, bounded as the database bounds them (keel_counts_add): providers choose
 * their own codes and reasons. A Map, so a name such as "constructor" or "valueOf" is counted as any
 * other rather than read off an object's prototype, which would write a row the database cannot add to.
 */
function countBounded(counts: Map<string, number>, name: string): void {
  const named = counts.has(name) || counts.size < MAX_COUNTED_NAMES ? name : "other";
  counts.set(named, (counts.get(named) ?? 0) + 1);
}

const countsJson = (counts: Map<string, number>) => JSON.stringify(Object.fromEntries(counts));

/**
 * Tenants with records after their rollup cursor: one index probe each, the first record after the
 * cursor in the index's order. Written as EXISTS, the plan the planner made while a fresh install's
 * table was empty (or on the embedded database, which never gathers statistics) scanned every
 * record; a named statement kept that plan on each connection: measured 60–100 ms a call at
 * 100,000 records, against under 1 ms this way. Unnamed, so it is planned at each call (twice a
 * second at most) with the table's current size.
 */
export const PENDING_ROLLUPS_SQL = `
  SELECT t."id" FROM "Tenant" t LEFT JOIN "RollupCursor" c ON c."tenantId" = t."id"
  CROSS JOIN LATERAL (
    SELECT 1 FROM "RequestRecord" r
    WHERE r."tenantId" = t."id" AND (r."insertedAt", r."id") > (coalesce(c."lastInsertedAt", '-infinity'::timestamptz), coalesce(c."lastId", ''))
    ORDER BY r."insertedAt", r."id" LIMIT 1) pending`;

export async function tenantsWithPendingRollups(pool: Pick<pg.Pool, "query">): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(PENDING_ROLLUPS_SQL);
  return rows.map((r) => r.id);
}

/** Deletes minute buckets past their retention, `batch` rows per statement. */
export async function purgeOldMinutes(pool: Pick<pg.Pool, "query">, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query({
      name: "keel_rollup_purge_minutes",
      text: `DELETE FROM "UsageRollup" WHERE ctid IN (SELECT ctid FROM "UsageRollup" WHERE "grain" = 'MINUTE' AND "bucket" < $1 LIMIT $2)`,
      values: [before, batch],
    });
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) return total;
  }
}
