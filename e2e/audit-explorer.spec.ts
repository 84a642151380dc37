import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { expect, test } from "./fixtures";
import { createTwoVersionEndpoint, printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 180_000 });

let upstream: FakeOpenAI;
const SUFFIX = Date.now().toString(36);
const ENDPOINT = `audit-${SUFFIX}`;
test.beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: "sk-e2e-audit" });
});
test.afterAll(async () => upstream.close());

/** A datetime-local value in UTC, as the explorer's fields take it. */
const local = (d: Date) => d.toISOString().slice(0, 19);

test("an auditor finds who used a version in a time range, opens a request and its seal, exports the view, and the export verifies offline and shows in the trail", async ({ page, baseURL }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-e2e-export-"));
  await createTwoVersionEndpoint(page, baseURL!, { provider: `Audit upstream ${SUFFIX}`, endpoint: ENDPOINT, baseUrl: upstream.baseUrl, apiKey: "sk-e2e-audit" });
  const endpointId = page.url().split("/").pop()!;
  const owner = printedSignIn("OWNER");

  // Traffic, as the owner runs it from the console: two runs on v1 (the active version), one on v2.
  const from = new Date(Date.now() - 60_000);
  await page.goto("/t/acme/audit");
  const v2 = await page.getByLabel("Model version").locator("option", { hasText: `${ENDPOINT} v2` }).getAttribute("value");
  const run = (versionId?: string) =>
    page.request.post(`${baseURL}/api/t/acme/playground/run`, { data: { endpointId, ...(versionId ? { versionId } : {}), messages: [{ role: "user", content: "hello" }] } });
  for (const r of [await run(), await run(), await run(v2!)]) expect(r.status()).toBe(200);
  const to = new Date(Date.now() + 60_000);
  // Records older than the sealer's margin (1 s) are sealed when the export starts.
  await page.waitForTimeout(1_500);

  // As the auditor: the version and the time range, in the URL.
  const auditor = printedSignIn("AUDITOR");
  await page.context().clearCookies();
  await signIn(page.request, baseURL!, auditor.email, auditor.password);
  await page.goto("/t/acme/audit");
  await page.getByLabel("Model version").selectOption({ label: `${ENDPOINT} v1` });
  await expect(page).toHaveURL(/version=/);
  await page.getByLabel("From (UTC)").fill(local(from));
  await page.getByLabel("To (UTC)").fill(local(to));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=.*to=|to=.*from=/);
  const callers = page.getByTestId("version-callers");
  await expect(callers).toContainText(`Who used ${ENDPOINT} v1 between`);
  await expect(callers.getByTestId("version-caller")).toHaveCount(1);
  await expect(callers.getByTestId("version-caller")).toContainText(owner.email);
  await expect(callers.getByTestId("version-caller")).toContainText("2");
  await expect(page.getByTestId("trail-request")).toHaveCount(2);

  // Export the view as CSV.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-links").getByRole("link", { name: "CSV" }).click()]);
  const csvPath = path.join(dir, csv.suggestedFilename());
  await csv.saveAs(csvPath);
  expect(csv.suggestedFilename()).toMatch(/^keel-audit-acme-\d{8}T\d{6}Z\.csv$/);
  const lines = fs.readFileSync(csvPath, "utf8").trim().split("\r\n");
  expect(lines[0]).toMatch(/^kind,createdAt,id,/);
  expect(lines.filter((l) => l.startsWith('"request"'))).toHaveLength(2);

  // A request record: the version that answered, who made it active, and the seal that covers it.
  await page.getByTestId("trail-request").first().getByRole("link", { name: /^Open request/ }).click();
  const drawer = page.getByTestId("trail-detail");
  await expect(drawer.getByTestId("detail-version")).toHaveText("v1");
  await expect(drawer.getByTestId("detail-activated-by")).toContainText(owner.email);
  await expect(drawer.getByTestId("detail-seal")).toContainText(/Seal #\d+ of \d+ records/);
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();

  // The export is in the trail, by the auditor, with its manifest.
  await page.goto("/t/acme/audit?action=audit.exported");
  const exported = page.getByTestId("trail-change").filter({ hasText: "audit.exported" }).first();
  await expect(exported).toContainText(auditor.email);
  await exported.getByRole("link", { name: /^Open change/ }).click();
  const [manifest] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-proof").getByRole("link", { name: "Download the manifest" }).click()]);
  expect(manifest.suggestedFilename()).toBe(csv.suggestedFilename().replace(/\.csv$/, ".manifest.jsonl"));
  await manifest.saveAs(path.join(dir, manifest.suggestedFilename()));

  // Offline, with the public key alone.
  const verify = (file: string) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts", file, "--public-key-file", path.join(process.env.KEEL_E2E_HOME!, "audit-signing.pub")])
      .then((r) => ({ code: 0, out: r.stdout }))
      .catch((e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
  const ok = await verify(csvPath);
  expect(ok.out).toContain("VERIFIED");
  expect(ok.out).toContain("2 requests (2 in seals");
  fs.writeFileSync(csvPath, fs.readFileSync(csvPath, "utf8").replace('"chat.completions"', '"chat.Completions"'));
  const bad = await verify(csvPath);
  expect(bad.code).toBe(1);
  expect(bad.out).toMatch(/row \d+ \(request [^)]+\): its content matches no leaf/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a developer gets no audit screen, and the export and manifest routes refuse them", async ({ page, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  await page.goto("/t/acme/audit");
  await expect(page.getByText("read the audit trail")).toBeVisible();
  await expect(page.getByTestId("trail-filters")).toHaveCount(0);
  expect((await page.request.get(`${baseURL}/api/t/acme/audit/export?format=csv`)).status()).toBe(403);
  expect((await page.request.get(`${baseURL}/api/t/acme/audit/export/manifest?seq=1`)).status()).toBe(403);
});
