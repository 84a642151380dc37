// `npm test`: every test Keel has, in order: typecheck, unit and integration tests (on the
// embedded database and on the PostgreSQL server), then the browser tests against a production
// build. Ends with one line "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const reports = fs.mkdtempSync(path.join(os.tmpdir(), "keel-test-"));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
let passed = 0;
let failed = 0;
let broken: string[] = [];

function step(name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}) {
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) broken.push(name);
  return r.status === 0;
}

function readJson(file: string): Record<string, any> | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

step("typecheck", "npx", ["tsc", "--noEmit"]);

const vitestReport = path.join(reports, "vitest.json");
step("unit and integration tests (vitest)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`]);
const v = readJson(vitestReport);
if (v) {
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}

const playwrightReport = path.join(reports, "playwright.json");
step("browser tests (Playwright on Chromium)", "npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport });
const p = readJson(playwrightReport);
if (p?.stats) {
  passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
  failed += (p.stats.unexpected ?? 0) + (p.stats.skipped ?? 0);
}

if (broken.length) console.log(`\nFailed steps: ${broken.join(", ")}`);
if (broken.length && failed === 0) failed = broken.length;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken.length || failed ? 1 : 0);
