// Loaded into the Keel that `npm run bench:monitoring` starts (NODE_OPTIONS=--import), because the
// embedded database serves exactly one connection, which Keel holds: nothing outside Keel's process
// can ask it anything while Keel runs. Every KEEL_BENCH_LAG_MS (250) it asks Keel's own pool which of
// tenant KEEL_BENCH_LAG_TENANT's request records the usage rollups have not counted yet, and appends
// one JSON line to KEEL_BENCH_LAG_FILE. Plain JavaScript: it loads before Keel's TypeScript loader.
// Inert in every other process the variable reaches (the console child, `next build`).
import fs from "node:fs";

const file = process.env.KEEL_BENCH_LAG_FILE;
const tenantId = process.env.KEEL_BENCH_LAG_TENANT;
const everyMs = Number(process.env.KEEL_BENCH_LAG_MS || 250);
// lib/db/client.ts keeps the process's one database handle here.
const HANDLE = Symbol.for("keel.database");

// The oldest record after the rollup cursor (how long it has waited to be counted), and how many
// wait (up to 100,000); qualified columns, so that ORDER BY reads the index's order. The cursor comes
// in scalar subqueries, as in lib/monitoring/tail.ts: the planner starts the index scan at it, where
// a join to the cursor row walks every record of the tenant from its first (seconds at 10 million,
// on the database whose charts the bench is timing meanwhile).
const AFTER_CURSOR = `r."tenantId" = $1 AND (r."insertedAt", r."id") >
  ((SELECT coalesce(max("lastInsertedAt"), '-infinity'::timestamptz) FROM "RollupCursor" WHERE "tenantId" = $1),
   (SELECT coalesce(max("lastId"), '') FROM "RollupCursor" WHERE "tenantId" = $1))`;
const SQL = `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "now",
         (SELECT (extract(epoch FROM r."insertedAt") * 1000)::float8 FROM "RequestRecord" r WHERE ${AFTER_CURSOR} ORDER BY r."insertedAt", r."id" LIMIT 1) AS "oldest",
         (SELECT count(*) FROM (SELECT 1 FROM "RequestRecord" r WHERE ${AFTER_CURSOR} ORDER BY r."insertedAt", r."id" LIMIT 100000) x)::int AS "pending"`;

if (file && tenantId && process.argv[1]?.endsWith("scripts/start.ts")) {
  let busy = false;
  const timer = setInterval(async () => {
    const database = globalThis[HANDLE];
    if (!database || busy) return;
    busy = true;
    try {
      const { rows } = await database.pool.query({ text: SQL, values: [tenantId] });
      fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), ...rows[0] })}\n`);
    } catch (error) {
      fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), error: String(error?.message ?? error) })}\n`);
    } finally {
      busy = false;
    }
  }, everyMs);
  timer.unref();
}
