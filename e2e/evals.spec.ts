import { expect, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

// The built-in chat model answers three cases in well under a minute alone, but it shares two cores.
test.describe.configure({ timeout: 300_000 });

const NAME = `e2e-evals-${Date.now().toString(36)}`;

// The built-in model's answers are not predictable: "." as a regular expression passes any answer
// with a character in it, and the assertions below hold whatever the verdicts are. Each case asks
// for a short answer: the model answers one call at a time, and a long answer delays the next.
const chat = (system: string, user: string) => ({ messages: [{ role: "system", content: system }, { role: "user", content: user }], expected: "." });
const CASES = [chat("Reply with one word.", "Say hello."), chat("Answer in one word.", "Name a colour."), chat("Reply with a number only.", "What is 2 + 2?")];

test("a developer imports a dataset, runs it against demo-chat, watches it finish and follows a result to its request record", async ({ page, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  await page.goto("/t/acme/evals");
  await expect(page.getByRole("heading", { name: "Evaluations", level: 1 })).toBeVisible();

  // A bad line is named under the cases together with the name's errors; nothing is created.
  await page.getByRole("button", { name: "Import dataset" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("X");
  await dialog.getByLabel("Or paste the cases").fill(`${JSON.stringify(CASES[0])}\nnot json`);
  await dialog.getByRole("button", { name: "Import dataset" }).click();
  await expect(dialog.getByText("Line 2 is not JSON.")).toBeVisible();
  await expect(dialog.getByText("Name must be at least 2 characters")).toBeVisible();
  // With a good name the server's own parser refuses the same line.
  await dialog.getByLabel("Name").fill(NAME);
  await dialog.getByRole("button", { name: "Import dataset" }).click();
  await expect(dialog.getByText("Name must be at least 2 characters")).toHaveCount(0);
  await expect(dialog.getByText("Line 2 is not JSON.")).toBeVisible();
  await expect(dialog.getByLabel("Or paste the cases")).toHaveAttribute("aria-invalid", "true");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Evaluations", level: 1 })).toBeVisible();
  await expect(page.getByTestId(`dataset-${NAME}`)).toHaveCount(0);

  // Three good cases: the import opens the dataset.
  await page.getByRole("button", { name: "Import dataset" }).click();
  await dialog.getByLabel("Name").fill(NAME);
  await dialog.getByLabel("Description").fill("Three questions for the demo model");
  await dialog.getByLabel("Or paste the cases").fill(CASES.map((c) => JSON.stringify(c)).join("\n"));
  await dialog.getByRole("button", { name: "Import dataset" }).click();
  await expect(page.getByRole("heading", { name: NAME, level: 1 })).toBeVisible();
  await expect(page.getByTestId("dataset-case-count")).toHaveText("3");
  await expect(page.getByTestId("dataset-imported-by")).toHaveText(dev.email);
  await expect(page.getByTestId("case-2")).toContainText("Name a colour.");
  const datasetId = new URL(page.url()).pathname.split("/").pop()!;

  // Run it against demo-chat's active version, the dataset already chosen.
  await page.getByRole("link", { name: "Run this dataset" }).click();
  await expect(page.getByRole("heading", { name: "New evaluation run", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New run" });
  await expect(form.getByLabel("Dataset")).toHaveValue(datasetId);
  await form.getByLabel("Chat endpoint").selectOption({ label: "demo-chat" });
  await form.getByLabel("Version").selectOption({ label: "builtin-1 (active)" });
  await form.getByLabel("Scorer").selectOption({ label: "Regular expression" });
  await expect(form.getByLabel("Judge endpoint")).toHaveCount(0);
  await form.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/evals\/runs\/[^/?]+$/);
  const runId = new URL(page.url()).pathname.split("/").pop()!;

  // The bar counts the cases and the page follows the run to its end without a reload.
  const progress = page.getByTestId("run-progress");
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("aria-valuemax", "3");
  await expect(page.getByTestId("run-status").first()).toHaveText("completed", { timeout: 240_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "3");
  await expect(page.getByTestId("run-progress-text")).toHaveText("3 of 3 cases");
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  await expect(page.getByTestId("run-version")).toHaveText("demo-chat / builtin-1");
  const summary = page.getByTestId("run-summary");
  await expect(summary.getByTestId("summary-cases")).toHaveText("3");
  await expect(summary.getByTestId("summary-mean")).toHaveText(/^[01]\.\d\d \(95 % CI [01]\.\d\d–[01]\.\d\d\)$/);
  await expect(summary.getByTestId("summary-pass-rate")).toHaveText(/^[01]\.\d\d \(95 % CI /);

  // Each case's result links to the request record of the call that answered it.
  const results = page.getByTestId(/^result-\d+$/);
  await expect(results).toHaveCount(3);
  for (const n of [1, 2, 3]) {
    await expect(page.getByTestId(`result-${n}`).getByRole("link", { name: /^request / })).toHaveAttribute("href", /\/t\/acme\/requests\/[^/]+$/);
  }
  const link = page.getByTestId("result-2").getByRole("link", { name: /^request / });
  const requestPath = (await link.getAttribute("href"))!;
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${requestPath}$`));
  await expect(page.getByRole("heading", { name: `Request ${requestPath.split("/").pop()}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId("request-endpoint")).toHaveText("demo-chat");
  await expect(page.getByTestId("request-version-that-answered")).toHaveText("builtin-1");

  // A run compared with itself changes on no case.
  await page.goto(`/t/acme/evals/compare?a=${runId}&b=${runId}`);
  await expect(page.getByRole("heading", { name: `Compare runs of ${NAME}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId("compare-counts")).toHaveText("B is better on 0 cases and worse on 0; 0 verdicts changed.");
  await expect(page.getByTestId(/^compare-case-\d+$/)).toHaveCount(3);
  await expect(page.getByTestId("side-a-version")).toHaveText("builtin-1 on demo-chat");

  // The list shows the finished run and the dataset's one run.
  await page.goto("/t/acme/evals");
  const row = page.getByTestId(`run-${runId}`);
  await expect(row.getByTestId("run-done")).toHaveText("3 of 3");
  await expect(row.getByTestId("run-status")).toHaveText("completed");
  await expect(page.getByTestId(`dataset-${NAME}`).getByTestId("dataset-cases")).toHaveText("3");
});

test("a viewer reads evaluations but is offered no import or run, and the new-run page says who may", async ({ page, baseURL }) => {
  const viewer = printedSignIn("VIEWER");
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  await page.goto("/t/acme/evals");
  await expect(page.getByRole("heading", { name: "Evaluations", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Datasets", level: 2 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Runs", level: 2 })).toBeVisible();
  await expect(page.getByTestId("read-only-note")).toHaveText("Owners, admins and developers can import datasets and run evaluations.");
  await expect(page.getByRole("button", { name: "Import dataset" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New run" })).toHaveCount(0);

  await page.goto("/t/acme/evals/runs/new");
  await expect(page.getByRole("heading", { name: "New evaluation run", level: 1 })).toBeVisible();
  await expect(page.getByTestId("read-only-note")).toHaveText("Owners, admins and developers can run evaluations.");
  await expect(page.getByRole("button", { name: "Start run" })).toHaveCount(0);
});
