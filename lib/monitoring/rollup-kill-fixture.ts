// Test fixture: a Keel-like process on an embedded database folder that keeps usage rollups through
// the job queue. `seed` migrates, writes a tenant and its records, then rolls up in small batches,
// printing progress, until the test kills it with SIGKILL; `resume` starts the same machinery on the
// same folder, waits until every record is rolled up, and prints the totals of both sides as JSON.
import crypto from "node:crypto";
import { openDatabase } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/schema-engine";
import { JobQueue } from "@/lib/jobs/queue";
import { UsageRollups } from "./usage-rollups";

const [mode, dir] = process.argv.slice(2);
const RECORDS = 4000;
const embedded = await startEmbeddedDatabase(dir);
if (mode === "seed") await applyMigrations(embedded.url);
const database = openDatabase(embedded.url, 1);
const { pool } = database;

if (mode === "seed") {
  await pool.query(`INSERT INTO "Tenant" ("id", "slug", "name", "updatedAt") VALUES ('t-kill', 't-kill', 'Kill test', now())`);
  for (let i = 0; i < RECORDS; i += 500) {
    await pool.query(
      `INSERT INTO "RequestRecord" ("id", "tenantId", "apiKeyId", "endpointId", "modelVersionId", "route", "inputTokens", "outputTokens", "costUsd", "latencyMs", "ttftMs", "status", "createdAt")
       SELECT $1 || '-' || g, 't-kill', 'key-' || (g % 3), 'ep-' || (g % 2), 'v-' || (g % 4), 'chat.completions', g % 700, g % 300,
              ((g % 97) * 0.00001234)::numeric(14, 8), 10 + (g * 37) % 2000, CASE WHEN g % 2 = 0 THEN (g * 13) % 400 END,
              CASE WHEN g % 17 = 0 THEN 502 ELSE 200 END, now() - make_interval(secs => (g * 61) % 172800)
       FROM generate_series($2::int, $3::int) AS g`,
      [crypto.randomUUID(), i, i + 499],
    );
  }
  console.log(`seeded ${RECORDS}`);
}

const queue = await JobQueue.start(pool);
const rollups = new UsageRollups(pool, queue, { batchSize: 40, marginMs: 0, nudgeMs: 100, sweepMs: 200 });
await rollups.start();
const rolled = async () => Number((await pool.query(`SELECT coalesce(sum("records"), 0)::int AS n FROM "RollupCursor"`)).rows[0].n);

if (mode === "seed") {
  // Report progress until killed: the test kills this process part way through the rollup.
  for (;;) {
    console.log(`rolled ${await rolled()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const atStart = await rolled();
const deadline = Date.now() + 60_000;
while ((await rolled()) < RECORDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
const totals = async (sql: string) => (await pool.query(sql)).rows[0];
const records = await totals(`SELECT count(*)::int AS requests, (count(*) FILTER (WHERE "status" >= 400))::int AS errors,
  sum("inputTokens")::text AS input, sum("costUsd")::text AS cost FROM "RequestRecord"`);
const byGrain: Record<string, unknown> = {};
for (const grain of ["HOUR", "DAY"]) {
  byGrain[grain] = await totals(`SELECT sum("requests")::int AS requests, sum("errors")::int AS errors, sum("inputTokens")::text AS input,
    sum("costUsd")::text AS cost FROM "UsageRollup" WHERE "grain" = '${grain}' AND "endpointId" = '' AND "apiKeyId" = '' AND "userId" = ''`);
}
const byKey = await totals(`SELECT sum("requests")::int AS requests FROM "UsageRollup" WHERE "grain" = 'DAY' AND "apiKeyId" <> ''`);
console.log(`RESULT ${JSON.stringify({ atStart, rolled: await rolled(), records, byGrain, byKey })}`);
await rollups.stop();
await queue.stop();
await database.close();
await embedded.stop();
process.exit(0);
