// `--baseline-tree` of `npm run bench:gateway`: a second Keel, from another checkout, measured
// beside this one as `keel-base`. Its database is seeded and read back by that checkout's own
// scripts/bench/keel-db.ts, in a child process working in that checkout (tree-keel-db.ts): this
// checkout's migrations, audit chain and sealed provider key may differ from the ones its Keel
// expects, and a database prepared for another version is not the one a user of it would have.
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { KeelDbAccess } from "./gateway-keel";
import type { KeelDatabase, Seeded } from "./keel-db";
import { onCleanup } from "./processes";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "tree-keel-db.ts");
/** Where the child finds its job: in its environment, not its arguments, which `ps` shows with the keys in them. */
export const TREE_JOB_ENV = "KEEL_BENCH_TREE_JOB";

export type TreeJob =
  | { do: "seed"; database: KeelDatabase; opts: { upstreamPort: number; masterKey: string; auditSigningKey: string } }
  | { do: "count"; database: KeelDatabase; tenantId: string };

export type TreeAnswer =
  | { ok: true; seeded: Seeded }
  | { ok: true; records: { total: number; byStatus: [number, number][] } }
  | { ok: false; error: string };

/** `dir` resolved, once it looks like a checkout of Keel the bench can seed and start. */
export function checkBaselineTree(dir: string | undefined): string {
  if (!dir || dir.startsWith("--")) throw new Error("--baseline-tree needs the folder of another checkout of Keel");
  const root = path.resolve(dir);
  const needed = ["package.json", "node_modules", path.join("scripts", "bench", "keel-db.ts"), "app"];
  const missing = needed.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) {
    throw new Error(`--baseline-tree ${root} has no ${missing.join(", ")}: it takes a checkout of Keel with its own node_modules (git worktree add <dir> <commit>, then npm ci in it)`);
  }
  return root;
}

/** Seeds and counts with the keel-db.ts of the checkout at `root`, each call in a child process there. */
export function treeKeelDb(root: string): KeelDbAccess {
  return {
    async seedKeel(database, opts) {
      const answer = await runInTree(root, { do: "seed", database, opts });
      if (!("seeded" in answer)) throw new Error(`${root}'s keel-db.ts answered no seed`);
      const { seeded } = answer;
      // The console passes sign in as the owner: a checkout older than that seeding cannot be prepared the same way.
      if (!seeded.owner?.email || !seeded.apiKey || !seeded.tenantSlug) {
        throw new Error(`${root}'s scripts/bench/keel-db.ts seeds no console owner, key or tenant slug; the baseline needs a checkout whose bench seeds them`);
      }
      return seeded;
    },
    async countRequestRecords(database, tenantId) {
      const answer = await runInTree(root, { do: "count", database, tenantId });
      if (!("records" in answer)) throw new Error(`${root}'s keel-db.ts answered no count`);
      return { total: answer.records.total, byStatus: new Map(answer.records.byStatus) };
    },
  };
}

function runInTree(root: string, job: TreeJob): Promise<TreeAnswer & { ok: true }> {
  // `--import tsx` resolves from the working directory, and tsx reads the tsconfig there: the
  // checkout's own tsx and `@/` paths, so its code loads its own modules.
  const child = fork(CHILD, [], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json"), [TREE_JOB_ENV]: JSON.stringify(job) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  onCleanup(`${job.do} in ${root}`, kill, kill);
  return new Promise((resolve, reject) => {
    let answer: TreeAnswer | null = null;
    child.on("message", (m: TreeAnswer) => (answer = m));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const failed = (why: string) => new Error(`${job.do === "seed" ? "seeding" : "counting the request records of"} keel-base's database with ${root}/scripts/bench/keel-db.ts failed: ${why}`);
      if (answer === null) reject(failed(`the child exited without an answer (${signal ?? `exit code ${code}`})`));
      else if (!answer.ok) reject(failed(answer.error));
      else resolve(answer);
    });
  });
}
