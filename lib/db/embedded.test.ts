import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded";

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "keel-embedded-"));
  dirs.push(d);
  return path.join(d, "data");
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded database", () => {
  it("keeps committed rows across a restart, and refuses a second owner of the folder", async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    await query(first.url, "CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2)");
    await expect(startEmbeddedDatabase(dir)).rejects.toThrow(/in use by process/);
    await first.stop();
    const second = await startEmbeddedDatabase(dir);
    expect(await query(second.url, "SELECT sum(v)::int AS s FROM t")).toEqual([{ s: 3 }]);
    await second.stop();
  });

  it("keeps committed rows when its process is killed with SIGKILL", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "embedded-kill-fixture.ts"), dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const committed = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        const m = /committed (\d+)/.exec(b.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const db = await startEmbeddedDatabase(dir);
    const rows = await query(db.url, "SELECT count(*)::int AS n FROM t");
    expect(rows[0].n).toBeGreaterThanOrEqual(committed);
    await db.stop();
  });

  it("serves pgvector", async () => {
    const db = await startEmbeddedDatabase("memory://");
    await query(db.url, "CREATE EXTENSION IF NOT EXISTS vector");
    const rows = await query(db.url, "SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector AS d");
    expect(rows[0].d).toBe(1);
    await db.stop();
  });
});
