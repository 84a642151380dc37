// The catch-up of `npm run bench:monitoring`: the usage rollups reading a month of history that
// predates them, with the code Keel's `monitoring.rollup` job runs (rollupTenant, Keel's defaults,
// tenant after tenant as UsageRollups does), timed with progress lines.
import type pg from "pg";
import { rollupTenant, tenantsWithPendingRollups } from "../../lib/monitoring/rollup";

export type CatchUp = {
  /** Records rolled up with Keel's defaults, and how long that took. */
  records: number; ms: number; batches: number; slowestBatchMs: number;
  /** Set when Keel's defaults were too slow to finish in the budget and the bench finished the rest in windows. */
  windowed: { records: number; ms: number; projectedMs: number } | null;
};

const HOUR = 3_600_000;
/** rollupTenant's default batch size: a shorter batch means the tenant is done. */
const KEEL_BATCH = 2000;

/** The tenant's next record after its rollup cursor, in the cursor's order (ms), or null. */
async function nextRecordAt(pool: pg.Pool, tenantId: string): Promise<number | null> {
  const { rows } = await pool.query<{ at: number }>(
    `SELECT (extract(epoch FROM r."insertedAt") * 1000)::float8 AS "at"
     FROM (SELECT coalesce((SELECT "lastInsertedAt" FROM "RollupCursor" WHERE "tenantId" = $1), '-infinity') AS li,
                  coalesce((SELECT "lastId" FROM "RollupCursor" WHERE "tenantId" = $1), '') AS lid) c,
          LATERAL (SELECT "insertedAt" FROM "RequestRecord" WHERE "tenantId" = $1 AND ("insertedAt", "id") > (c.li, c.lid)
                   ORDER BY "insertedAt", "id" LIMIT 1) r`,
    [tenantId],
  );
  return rows[0]?.at ?? null;
}

/**
 * Rolls up everything pending as Keel's job does: each tenant with records after its cursor, batch
 * after batch with Keel's defaults, until a batch comes back short. When the rate so far says the
 * rest would take longer than `budgetMs` (judged after `probeMs`), it stops there, and finishes the
 * history in windows of an hour of it: the same rollupTenant, with its margin set so that each
 * batch's watermark sits an hour past the cursor. The sums come out the same; only how much each
 * batch's query may look at changes. So a catch-up that scales badly with the size of the backlog is
 * measured, named, and still leaves complete rollups for the rest of the bench.
 */
export async function catchUp(pool: pg.Pool, opts: { total: number; budgetMs: number; probeMs: number; log: (line: string) => void }): Promise<CatchUp> {
  const t0 = performance.now();
  const result: CatchUp = { records: 0, ms: 0, batches: 0, slowestBatchMs: 0, windowed: null };
  let lastLog = t0;
  const progress = (done: number, started: number, how: string) => {
    if (performance.now() - lastLog < 10_000) return;
    lastLog = performance.now();
    const s = (performance.now() - started) / 1000;
    opts.log(`${how}: ${int(done)} of ${int(opts.total)} records (${int(done / s)} records/s, ${s.toFixed(0)} s)`);
  };
  let gaveUp = false;
  outer: for (const tenantId of await tenantsWithPendingRollups(pool)) {
    for (;;) {
      const b0 = performance.now();
      const batch = await rollupTenant(pool, tenantId);
      const ms = performance.now() - b0;
      if (!batch) break;
      result.records += batch.records;
      result.batches += 1;
      result.slowestBatchMs = Math.max(result.slowestBatchMs, ms);
      progress(result.records, t0, "catch-up with Keel's defaults");
      if (batch.records < KEEL_BATCH) break;
      const elapsed = performance.now() - t0;
      const projected = ((opts.total - result.records) / result.records) * elapsed;
      if (elapsed > opts.probeMs && elapsed + projected > opts.budgetMs) {
        gaveUp = true;
        break outer;
      }
    }
  }
  result.ms = performance.now() - t0;
  if (!gaveUp) return result;

  const projectedMs = ((opts.total - result.records) / result.records) * result.ms;
  opts.log(
    `Keel's defaults rolled up ${int(result.records)} records in ${(result.ms / 1000).toFixed(1)} s (${int(result.records / (result.ms / 1000))} records/s, ` +
      `slowest batch ${(result.slowestBatchMs / 1000).toFixed(1)} s); the rest would take about ${(projectedMs / 60_000).toFixed(0)} min at that rate. ` +
      `Finishing in windows of an hour of history (same rollupTenant, watermark held back by its margin option)…`,
  );
  const t1 = performance.now();
  let records = 0;
  lastLog = t1;
  for (const tenantId of await tenantsWithPendingRollups(pool)) {
    for (;;) {
      const at = await nextRecordAt(pool, tenantId);
      if (at === null) break;
      const windowEnd = at + HOUR;
      if (Date.now() - windowEnd < 1000) {
        // The last hour: Keel's defaults, which see everything older than a second.
        for (let b = await rollupTenant(pool, tenantId); b; b = await rollupTenant(pool, tenantId)) records += b.records;
        break;
      }
      // Null only if something else holds the cursor or the watermark: then one batch as Keel would.
      const batch = (await rollupTenant(pool, tenantId, { marginMs: Date.now() - windowEnd })) ?? (await rollupTenant(pool, tenantId));
      if (!batch) break;
      records += batch.records;
      progress(result.records + records, t1, "catch-up in windows");
    }
  }
  result.windowed = { records, ms: performance.now() - t1, projectedMs };
  return result;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
