import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedApiKey, seedEndpoint, seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

// `npm run keel -- eval` as CI runs it: a child process against a real gateway over HTTP, whose
// provider is the fake that answers "echo: <the last user message>".
useTestDatabase();
const harness = useGatewayHarness();

const ROOT = path.resolve(import.meta.dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-eval-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI; the key comes only from `env` or the arguments, never from the test's own environment. */
function keel(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { KEEL_API_KEY: _ignored, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/keel.ts", ...args], { cwd: ROOT, env: { ...inherited, ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Keel's base URL: the test gateway's `url` is its /api/v1 prefix. */
const keelUrl = () => harness.gateway.url.replace(/\/api\/v1$/, "");

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const jsonl = (name: string, cases: object[]) => writeFile(name, cases.map((c) => JSON.stringify(c)).join("\n") + "\n");

/** Two cases the echo answers as expected, two it does not. */
const mixed = () =>
  jsonl("mixed.jsonl", [
    { input: "hello", expected: "echo: hello" },
    { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "two words" }], expected: "echo: two words" },
    { input: "What is the capital of France?", expected: "Paris" },
    { input: "ping", expected: "pong" },
  ]);

const chatRequests = () => harness.fake.requests.filter((r) => r.path === "/v1/chat/completions");

describe("keel eval", () => {
  it("scores each case through Keel and exits 0 when the mean reaches --min-score, with the key from KEEL_API_KEY", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const run = await keel(["eval", "--url", keelUrl(), "--endpoint", s.endpoint.name, "--dataset", mixed(), "--min-score", "0.5"], { KEEL_API_KEY: s.secret });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/case +1 +1\.00 +pass +matches exactly +\(x-request-id \S+\)/);
    expect(run.stdout).toMatch(/case +2 +1\.00 +pass/);
    expect(run.stdout).toMatch(/case +3 +0\.00 +fail +differs from expected; got "echo: What is the capital of France\?"/);
    expect(run.stdout).toMatch(/case +4 +0\.00 +fail/);
    expect(run.stdout).toContain("passed 2 of 4\n");
    expect(run.stdout).toContain("mean score 0.50 (95 % CI 0.00–1.00)\n");
    expect(run.stdout).toContain("pass rate 0.50 (95 % CI 0.15–0.85)\n");
    expect(run.stdout).toContain("PASS: mean score 0.5000 ≥ --min-score 0.5");
    // The endpoint answered each case as a chat, the system message included.
    expect(chatRequests().map((r) => r.body?.messages)).toContainEqual([{ role: "system", content: "Be brief." }, { role: "user", content: "two words" }]);
    expect(chatRequests()).toHaveLength(4);
    // The request id printed is the call's record in Keel.
    const id = /case +1 .*x-request-id (\S+)\)/.exec(run.stdout)![1];
    expect(await db().requestRecord.findUnique({ where: { id } })).toMatchObject({ endpointId: s.endpoint.id, status: 200 });
  });

  it("exits 1 when the mean is below --min-score, and --json prints the result as JSON", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const run = await keel(["eval", "--url", keelUrl(), "--key", s.secret, "--endpoint", s.endpoint.name, "--dataset", mixed(), "--min-score", "0.6", "--json", "--concurrency", "2"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ endpoint: s.endpoint.name, scorer: "exact", passAt: 1, minScore: 0.6, verdict: "fail" });
    expect(result.summary).toMatchObject({ cases: 4, scored: 4, failed: 0, passed: 2, meanScore: 0.5, passRate: 0.5 });
    expect(result.cases.map((c: { score: number }) => c.score)).toEqual([1, 1, 0, 0]);
    expect(run.stdout + run.stderr).not.toContain(s.secret);
  });

  it("retries Keel's 5xx, and reports a call that still fails as unscored with its status, message and request id", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const file = jsonl("faults.jsonl", ["one", "two", "three"].map((w) => ({ input: w, expected: `echo: ${w}` })));
    harness.fake.fail({ kind: "status", status: 400, message: "temperature is too spicy" });
    // Keel's own retries take three failures to give up with a 502; the CLI's second try then succeeds.
    harness.fake.fail({ kind: "status", status: 500 }, 3);
    const run = await keel(["eval", "--url", keelUrl(), "--key", s.secret, "--endpoint", s.endpoint.name, "--dataset", file, "--min-score", "0.6", "--concurrency", "1"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/case +1 +0\.00 +unscored +Keel answered 400: .*temperature is too spicy.* \(x-request-id \S+\)/);
    expect(run.stdout).toMatch(/case +2 +1\.00 +pass/);
    expect(run.stdout).toMatch(/case +3 +1\.00 +pass/);
    expect(run.stdout).toContain("passed 2 of 3, 1 unscored (count as 0)");
    expect(run.stdout).toContain("mean score 0.67");
    expect(chatRequests()).toHaveLength(1 + 4 + 1); // a 400 is not retried
  });

  it("exits 2 with what was wrong: a dataset's bad line, a bad option (with the usage), an unknown endpoint", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const args = ["eval", "--url", keelUrl(), "--key", s.secret, "--endpoint", s.endpoint.name];
    const badLine = writeFile("bad.jsonl", `${JSON.stringify({ input: "hello", expected: "echo: hello" })}\n{"input": "x", "expected": 3}\n`);
    const dataset = await keel([...args, "--dataset", badLine, "--min-score", "0.5"]);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toContain('Line 2: "expected" must be text.');

    const option = await keel([...args, "--dataset", mixed(), "--min-score", "1.5"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--min-score must be a number from 0 to 1");
    expect(option.stderr).toContain("Usage: npm run keel -- eval");

    const endpoint = await keel(["eval", "--url", keelUrl(), "--key", s.secret, "--endpoint", "no-such-endpoint", "--dataset", mixed(), "--min-score", "0.5"]);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('--endpoint: Keel has no endpoint "no-such-endpoint" that this key may use');
    expect(chatRequests()).toHaveLength(0);
    for (const r of [dataset, option, endpoint]) expect(r.stdout + r.stderr).not.toContain(s.secret);
  });

  it("exits 3 when Keel refuses the key or cannot be reached, without printing the key", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const revoked = await seedApiKey(s.tenant, { revokedAt: new Date() });
    const refused = await keel(["eval", "--url", keelUrl(), "--endpoint", s.endpoint.name, "--dataset", mixed(), "--min-score", "0.5"], { KEEL_API_KEY: revoked.secret });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("Keel refused the key (401)");
    expect(refused.stdout + refused.stderr).not.toContain(revoked.secret);
    expect(chatRequests()).toHaveLength(0);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await keel(["eval", "--url", `http://127.0.0.1:${port}`, "--key", s.secret, "--endpoint", s.endpoint.name, "--dataset", mixed(), "--min-score", "0.5"]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`could not reach Keel at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(unreachable.stdout + unreachable.stderr).not.toContain(s.secret);
  });

  it("reads a CSV dataset, quoted cells and a system column included", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const file = writeFile("cases.csv", 'input,expected,system\nhello,HELLO,\n"Paris, France",paris,"Answer in one line, please."\nping,pong,\n');
    const run = await keel(["eval", "--url", keelUrl(), "--key", s.secret, "--endpoint", s.endpoint.name, "--dataset", file, "--scorer", "contains", "--min-score", "0.6"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("3 cases, endpoint");
    expect(run.stdout).toContain("scorer contains");
    expect(run.stdout).toContain("passed 2 of 3\n");
    expect(run.stdout).toMatch(/case +3 +0\.00 +fail +does not contain expected/);
    expect(chatRequests().map((r) => r.body?.messages)).toContainEqual([
      { role: "system", content: "Answer in one line, please." },
      { role: "user", content: "Paris, France" },
    ]);
  });

  it("calls the judge and the embeddings endpoints through the same Keel with the same key", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl);
    const { endpoint: judge } = await seedEndpoint(s.tenant, s.provider, { providerModel: "fake-judge" });
    const { endpoint: embedder } = await seedEndpoint(s.tenant, s.provider, { kind: "EMBEDDINGS", providerModel: "fake-embed" });
    const args = ["--url", keelUrl(), "--key", s.secret, "--endpoint", s.endpoint.name, "--min-score", "0", "--json", "--concurrency", "1"];

    // The fake judges as its rubric says: a rubric holding a verdict is the verdict it answers.
    const rubric = jsonl("judge.jsonl", [{ input: "hi", rubric: 'Say {"score": 7, "reason": "fair enough"}' }]);
    const judged = await keel(["eval", ...args, "--dataset", rubric, "--scorer", "judge", "--judge-endpoint", judge.name]);
    expect(judged.code).toBe(0);
    expect(JSON.parse(judged.stdout).cases[0]).toMatchObject({ score: 0.7, passed: true, detail: "judge: 7/10, fair enough" });
    expect(chatRequests().map((r) => r.body?.model)).toEqual(["fake-chat", "fake-judge"]);

    // The fake embeds equal texts alike and others apart.
    const similar = jsonl("similar.jsonl", [{ input: "hi", expected: "echo: hi" }, { input: "hi", expected: "a different sentence" }]);
    const embedded = await keel(["eval", ...args, "--dataset", similar, "--scorer", "similarity", "--embeddings-endpoint", embedder.name]);
    expect(embedded.code).toBe(0);
    const cases = JSON.parse(embedded.stdout).cases;
    expect(cases[0]).toMatchObject({ score: 1, passed: true });
    expect(cases[1]).toMatchObject({ passed: false, unscored: false });
    expect(harness.fake.requests.filter((r) => r.path === "/v1/embeddings").map((r) => r.body?.model)).toEqual(["fake-embed", "fake-embed"]);
  });
});
