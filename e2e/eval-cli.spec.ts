import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { createApiKey, printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 240_000 });

/** `npm run keel -- eval …` as a CI job runs it: a child process, its exit code and its output. */
function keelEval(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/keel.ts", "eval", ...args], { timeout: 200_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test("the eval CLI passes a dataset the endpoint meets and fails one it does not, against the running Keel", async ({ page, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  await page.goto("/t/acme/keys");
  const key = await createApiKey(page, `eval cli ${Date.now().toString(36)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-eval-cli-"));
  // The built-in model's words are not predictable: any answer matches ".", none matches the other pattern.
  const met = path.join(dir, "met.jsonl");
  const missed = path.join(dir, "missed.jsonl");
  fs.writeFileSync(met, `${JSON.stringify({ input: "Reply with one word: yes.", expected: "." })}\n`);
  fs.writeFileSync(missed, `${JSON.stringify({ input: "Reply with one word: yes.", expected: "^never-matches-7f3a$" })}\n`);
  const common = ["--url", baseURL!, "--key", key, "--endpoint", "demo-chat", "--scorer", "regex", "--min-score", "0.5"];

  const pass = await keelEval([...common, "--dataset", met]);
  expect(pass.stderr).toBe("");
  expect(pass.code).toBe(0);
  expect(pass.stdout).toContain("passed 1 of 1");
  expect(pass.stdout).not.toContain(key);

  const fail = await keelEval([...common, "--dataset", missed]);
  expect(fail.code).toBe(1);
  expect(fail.stdout).toContain("passed 0 of 1");
});
