import crypto from "node:crypto";
import type { Locator, Page, Request } from "@playwright/test";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";
import { createTwoVersionEndpoint, filterMenu, printedSignIn, signIn } from "./helpers";

// The tracker asks the provider every 10 s and the fake's job needs four answers to succeed.
test.describe.configure({ timeout: 300_000 });

// Other specs share the tenant: this one's provider, endpoint and training files carry its own names.
const SUFFIX = crypto.randomBytes(3).toString("hex");
const PROVIDER = `Fine-tune upstream ${SUFFIX}`;
const ENDPOINT = `ft-chat-${SUFFIX}`;
const API_KEY = "sk-e2e-finetune";
const FILES = { bad: `bad-${SUFFIX}.jsonl`, good: `support-${SUFFIX}.jsonl`, refused: `refused-${SUFFIX}`, cancelled: `cancel-${SUFFIX}.jsonl` };

const example = (question: string, answer: string) => JSON.stringify({ messages: [{ role: "user", content: question }, { role: "assistant", content: answer }] });
const GOOD = `${example("Where is my order?", "Let me look it up for you.")}\n${example("Can I return it?", "Yes, within 30 days.")}\n`;
// Line 2 ends on the user's turn: there is no answer to learn.
const BAD = `${example("Hi", "Hello!")}\n${JSON.stringify({ messages: [{ role: "user", content: "Hi" }, { role: "user", content: "Anyone?" }] })}\n`;
// The fake provider fails a job whose file holds "[fail]".
const REFUSED = `${example("Say [fail]", "No.")}\n`;

let upstream: FakeOpenAI;
test.beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: API_KEY });
});

// A job this spec left queued or running is cancelled, so the tracker stops asking a fake that is gone.
test.afterAll(async ({ browser, baseURL }) => {
  const page = await browser.newPage({ baseURL });
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  for (const status of ["queued", "running"]) {
    await page.goto(`/t/acme/fine-tuning?status=${status}`);
    const left = jobRows(page).filter({ hasText: SUFFIX }).getByRole("button", { name: "Cancel" });
    for (let n = await left.count(); n > 0; n--) {
      await left.first().click();
      await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
      await expect(left).toHaveCount(n - 1);
    }
  }
  await page.close();
  await upstream?.close();
});

/** The job rows of the list on screen. */
function jobRows(page: Page): Locator {
  return page.locator('tr[data-testid^="finetune-"]');
}

/** The job row that names this training file. */
function jobRow(page: Page, trainingName: string): Locator {
  return jobRows(page).filter({ hasText: trainingName });
}

/** Opens the launch dialog with the provider, endpoint and base model chosen. */
async function openLaunch(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Launch fine-tune" }).click();
  const dialog = page.getByRole("dialog", { name: "Launch fine-tune" });
  await dialog.getByLabel("Provider", { exact: true }).selectOption({ label: PROVIDER });
  await dialog.getByLabel("Endpoint for the result").selectOption({ label: ENDPOINT });
  await dialog.getByLabel("Base model").fill("fake-chat");
  return dialog;
}

/** Submits the dialog and waits for it to close: the job was taken. */
async function launch(dialog: Locator) {
  await dialog.getByRole("button", { name: "Launch fine-tune" }).click();
  await expect(dialog).toHaveCount(0);
}

/** Replays a captured server-action call as whoever is signed in now. */
async function replayAction(page: Page, baseURL: string, captured: Request) {
  const res = await page.request.post(`${baseURL}/t/acme/fine-tuning`, {
    headers: { "next-action": captured.headers()["next-action"], accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", origin: baseURL },
    data: captured.postData() ?? "",
  });
  expect(res.status()).toBe(200);
  return res.text();
}

test("an owner fine-tunes a model on an OpenAI-compatible provider into a draft version; bad files are refused by line; a viewer only watches", async ({ page, baseURL }) => {
  // As the owner: the provider, added on the Providers screen, and a chat endpoint on it.
  await createTwoVersionEndpoint(page, baseURL!, { provider: PROVIDER, endpoint: ENDPOINT, baseUrl: upstream.baseUrl, apiKey: API_KEY });
  await page.goto("/t/acme/fine-tuning");
  await expect(page.getByRole("heading", { name: "Fine-tuning", level: 1 })).toBeVisible();

  // A bad file and a bad suffix are named at once, the file by its line; what was typed stays.
  let dialog = await openLaunch(page);
  await dialog.getByLabel("Suffix").fill("E2E");
  await dialog.getByLabel("Training file").setInputFiles({ name: FILES.bad, mimeType: "application/jsonl", buffer: Buffer.from(BAD) });
  await expect(dialog.getByLabel("Training name")).toHaveValue(FILES.bad);
  await dialog.getByRole("button", { name: "Launch fine-tune" }).click();
  await expect(dialog.getByText("Suffix may hold lowercase letters, digits and dashes")).toBeVisible();
  await expect(dialog.getByText("Line 2: the last message must be the assistant's, the answer to learn.")).toBeVisible();
  await expect(dialog.getByLabel("Base model")).toHaveValue("fake-chat");
  expect(await seriousViolations(page)).toEqual([]);
  // With every other field right, the server refuses the file by its line too.
  await dialog.getByLabel("Suffix").fill("e2e");
  await dialog.getByRole("button", { name: "Launch fine-tune" }).click();
  await expect(dialog.getByText("Suffix may hold lowercase letters")).toHaveCount(0);
  await expect(dialog.getByRole("alert")).toHaveText("Line 2: the last message must be the assistant's, the answer to learn.");

  // The good file, with hyperparameters.
  await dialog.getByLabel("Training file").setInputFiles({ name: FILES.good, mimeType: "application/jsonl", buffer: Buffer.from(GOOD) });
  await expect(dialog.getByLabel("Training name")).toHaveValue(FILES.good);
  await dialog.getByLabel("Hyperparameters (JSON)").fill('{"n_epochs": 2}');
  const launchCall = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await launch(dialog);
  const captured = await launchCall;
  const good = jobRow(page, FILES.good);
  await expect(good.getByTestId("finetune-examples")).toHaveText("2 examples");
  await expect(good).toContainText(PROVIDER);
  await expect(good).toContainText(ENDPOINT);
  await expect(jobRow(page, FILES.bad)).toHaveCount(0);
  // Handed over, it shows the provider's own word beside its status, without a reload.
  await expect(good.getByTestId("finetune-status")).toHaveText("running", { timeout: 30_000 });
  await expect(good.getByTestId("finetune-provider-status")).toHaveText(/^(uploading|validating files|queued|running)$/);

  // A job the provider will fail (pasted, not a file), and one the owner cancels.
  dialog = await openLaunch(page);
  await dialog.getByLabel("Or paste the examples").fill(REFUSED);
  await dialog.getByLabel("Training name").fill(FILES.refused);
  await launch(dialog);
  dialog = await openLaunch(page);
  await dialog.getByLabel("Training file").setInputFiles({ name: FILES.cancelled, mimeType: "application/jsonl", buffer: Buffer.from(GOOD) });
  await launch(dialog);
  const cancelled = jobRow(page, FILES.cancelled);
  await cancelled.getByRole("button", { name: "Cancel" }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("Nothing becomes a version");
  await confirm.getByRole("button", { name: "Cancel job" }).click();
  await expect(cancelled.getByTestId("finetune-status")).toHaveText("cancelled", { timeout: 60_000 });
  await expect(cancelled.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(cancelled.getByTestId("finetune-version")).toHaveCount(0);

  // The page follows the jobs on its own to their ends.
  await expect(good.getByTestId("finetune-status")).toHaveText("succeeded", { timeout: 90_000 });
  await expect(good.getByTestId("finetune-model")).toHaveText(/^ft:fake-chat:keel-fake:e2e:/);
  await expect(good.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  const refused = jobRow(page, FILES.refused);
  await expect(refused.getByTestId("finetune-status")).toHaveText("failed", { timeout: 60_000 });
  await expect(refused.getByTestId("finetune-error")).toHaveText("The provider failed the job: The training file holds an example the fake refuses.");
  await expect(refused.getByTestId("finetune-version")).toHaveCount(0);
  // The provider got the job as launched.
  const created = upstream.requests.filter((r) => r.method === "POST" && r.path === "/v1/fine_tuning/jobs");
  expect(created.map((r) => r.body)).toContainEqual(expect.objectContaining({ model: "fake-chat", suffix: "e2e", hyperparameters: { n_epochs: 2 } }));

  // The status filter, through the URL.
  await filterMenu(page, "Filter by status").selectOption("failed");
  await expect(page).toHaveURL(/[?&]status=failed(&|$)/);
  await expect(jobRow(page, FILES.refused)).toBeVisible();
  await expect(jobRow(page, FILES.good)).toHaveCount(0);
  await filterMenu(page, "Filter by status").selectOption("");
  await expect(jobRow(page, FILES.good)).toBeVisible();

  // The result is a version of the endpoint, in the catalog.
  const version = good.getByTestId("finetune-version");
  await expect(version).toHaveText(/^ft-e2e/);
  const versionPath = await version.getAttribute("href");
  expect(versionPath).toMatch(/^\/t\/acme\/catalog\/[A-Za-z0-9_-]+$/);
  const jobsBefore = await jobRows(page).count();
  await version.click();
  await expect(page).toHaveURL(versionPath!);

  // A viewer sees the jobs with no Launch or Cancel button, and a forged launch changes nothing.
  const viewer = printedSignIn("VIEWER");
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  await page.goto("/t/acme/fine-tuning");
  await expect(jobRow(page, FILES.good).getByTestId("finetune-status")).toHaveText("succeeded");
  await expect(page.getByTestId("read-only-note")).toContainText("can launch and cancel fine-tuning jobs");
  await expect(page.getByRole("button", { name: "Launch fine-tune" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  expect(await replayAction(page, baseURL!, captured)).toContain("Forbidden: the Viewer role may not");
  await page.reload();
  await expect(jobRow(page, FILES.good)).toBeVisible();
  await expect(jobRows(page)).toHaveCount(jobsBefore);
});
