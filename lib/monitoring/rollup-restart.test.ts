import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FIXTURE = path.join(import.meta.dirname, "rollup-kill-fixture.ts");

function run(mode: "seed" | "resume", dir: string) {
  return spawn(process.execPath, ["--import", "tsx", FIXTURE, mode, dir], { stdio: ["ignore", "pipe", "inherit"], cwd: path.resolve(import.meta.dirname, "../..") });
}

describe("usage rollups across a crash", () => {
  it("leave totals equal to the records when Keel is killed in the middle of a rollup and started again", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-rollup-kill-"));
    try {
      const first = run("seed", dir);
      let output = "";
      // Killed once the rollups are part way: some batches committed, most not.
      const rolledAtKill = await new Promise<number>((resolve, reject) => {
        first.stdout.on("data", (b: Buffer) => {
          output += b.toString();
          const counts = [...output.matchAll(/rolled (\d+)/g)].map((m) => Number(m[1]));
          const last = counts.at(-1) ?? 0;
          if (last >= 400) {
            first.kill("SIGKILL");
            resolve(last);
          }
        });
        first.on("exit", (code, signal) => signal !== "SIGKILL" && reject(new Error(`fixture exited early (${code})`)));
      });
      await new Promise((r) => (first.exitCode !== null || first.signalCode !== null ? r(null) : first.once("exit", r)));
      expect(rolledAtKill).toBeLessThan(4000);

      const second = run("resume", dir);
      let out = "";
      second.stdout.on("data", (b: Buffer) => (out += b.toString()));
      const code = await new Promise((r) => second.once("exit", r));
      expect(code).toBe(0);
      const result = JSON.parse(/RESULT (.*)/.exec(out)![1]);
      expect(result.atStart).toBeGreaterThanOrEqual(rolledAtKill);
      expect(result.atStart).toBeLessThan(4000);
      expect(result.rolled).toBe(4000);
      for (const grain of ["HOUR", "DAY"]) expect(result.byGrain[grain]).toEqual(result.records);
      expect(result.byKey.requests).toBe(4000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
