// The child side of treeKeelDb (baseline-tree.ts), run with its working directory in another
// checkout of Keel: does one job (seed that checkout's bench database, or count its request
// records) with that checkout's own scripts/bench/keel-db.ts, answers over IPC and exits.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { TREE_JOB_ENV, type TreeAnswer, type TreeJob } from "./baseline-tree";

/** The other checkout's keel-db.ts is taken to export what this one's does. */
type KeelDb = typeof import("./keel-db");

async function run(job: TreeJob): Promise<TreeAnswer> {
  try {
    const file = path.join(process.cwd(), "scripts", "bench", "keel-db.ts");
    const keelDb = (await import(pathToFileURL(file).href)) as KeelDb;
    if (job.do === "seed") return { ok: true, seeded: await keelDb.seedKeel(job.database, job.opts) };
    const records = await keelDb.countRequestRecords(job.database, job.tenantId);
    return { ok: true, records: { total: records.total, byStatus: [...records.byStatus] } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const answer = await run(JSON.parse(process.env[TREE_JOB_ENV] ?? "null") as TreeJob);
// Exits rather than waiting for the event loop to drain: a pool or timer left open must not hold the bench.
process.send!(answer, () => process.exit(0));
