import type pg from "pg";

/**
 * The SQL (a timestamptz expression) for the time below which every request record has committed;
 * `margin` and `stall` name the query's parameters in ms. Request seals and usage rollups read
 * records in (insertedAt, id) order up to it, each exactly once.
 *
 * A record's insertedAt is its transaction's start, so a record committing later can carry an
 * older time; no transaction still running started before the oldest `xact_start` in
 * pg_stat_activity (this database, other backends), and none that starts later can get a time
 * before this statement's own start. The margin covers the moment between a backend taking its
 * start time and publishing it. Records are read in a later statement, whose snapshot holds every
 * transaction that ended before this one read pg_stat_activity. (Under another role without
 * pg_read_all_stats, other roles' sessions show no xact_start; only Keel writes request records,
 * under its own role.)
 *
 * Keel writes records in single statements, so only a backend running a statement counts, and
 * only for `stall` ms: a session left idle in a transaction (a forgotten psql BEGIN, or someone with
 * the database password) or an endless statement would otherwise hold every later record unsealed,
 * and so deletable unseen, for as long as it lasts. A record such a session commits late lands in a
 * sealed range, and verify names it as inserted.
 */
export function commitWatermarkSql(activityReadable: boolean, margin: string, stall: string): string {
  const others = activityReadable
    ? `(SELECT min("xact_start") FROM pg_stat_activity WHERE "pid" <> pg_backend_pid() AND "datname" = current_database() AND "state" = 'active'
         AND "backend_type" = 'client backend' AND "xact_start" > statement_timestamp() - make_interval(secs => ${stall}::float8 / 1000))`
    : "NULL";
  return `(least(statement_timestamp(), ${others}) - make_interval(secs => ${margin}::float8 / 1000))`;
}

/** Whether pg_stat_activity can be read; ask outside the transaction that uses the watermark, whose activity snapshot must be fresh. */
export async function canReadActivity(pool: Pick<pg.Pool, "query">): Promise<boolean> {
  try {
    await pool.query(`SELECT 1 FROM pg_stat_activity LIMIT 1`);
    return true;
  } catch {
    console.warn("[db] pg_stat_activity is not readable: seals and rollups trail by their margin only");
    return false;
  }
}
