import type { Page } from "@playwright/test";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { expect, test } from "./fixtures";
import { createTwoVersionEndpoint, printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 180_000 });

let upstream: FakeOpenAI;
let endpointReady = false;
// A worker that restarts after a failure starts a new upstream on a new port, so it wires up its own provider and endpoint.
const SUFFIX = Date.now().toString(36);
const PROVIDER = `Playground upstream ${SUFFIX}`;
const ENDPOINT = `pg-${SUFFIX}`;
test.beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: "sk-e2e-playground" });
});
test.afterAll(async () => upstream.close());

/** Once per run, as an owner: a provider on the fake upstream and an endpoint with v1 (active) and v2 (not active). */
async function ensureTwoVersionEndpoint(page: Page, baseURL: string) {
  if (endpointReady) return;
  await createTwoVersionEndpoint(page, baseURL, { provider: PROVIDER, endpoint: ENDPOINT, baseUrl: upstream.baseUrl, apiKey: "sk-e2e-playground" });
  endpointReady = true;
}

async function openPlayground(page: Page, baseURL: string, role: string) {
  const who = printedSignIn(role);
  await signIn(page.request, baseURL, who.email, who.password);
  await page.goto("/t/acme/playground");
  await expect(page.getByRole("heading", { name: "Playground", level: 1 })).toBeVisible();
}

const column = (page: Page, n: number) => page.getByRole("region", { name: `Column ${n}` });
const runButton = (page: Page) => page.getByRole("button", { name: "Run", exact: true });

test("a developer runs a prompt on the built-in chat model: text appears while it streams, then the run's figures", async ({ page, baseURL }) => {
  await openPlayground(page, baseURL!, "DEVELOPER");
  // Notes whether the answer showed text while the run was still going: streamed, not sent at the end.
  await page.evaluate(() => {
    const w = window as unknown as { sawPartial: boolean };
    w.sawPartial = false;
    new MutationObserver(() => {
      const output = document.querySelector('[data-testid="column-output"]')?.textContent ?? "";
      const running = [...document.querySelectorAll("button")].some((b) => b.textContent?.trim() === "Stop");
      if (running && output.length > 1 && output !== "…") w.sawPartial = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const col = column(page, 1);
  await col.getByLabel("Endpoint", { exact: true }).selectOption({ label: "demo-chat" });
  await page.getByLabel("Message 1 (user)").fill("Write three sentences about the sea.");
  await col.getByLabel("Max tokens").fill("96");
  await runButton(page).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();

  const figures = col.getByTestId("run-figures");
  await expect(figures).toBeVisible({ timeout: 150_000 });
  await expect(col.getByTestId("run-status")).toHaveText("completed");
  await expect(col.getByTestId("run-version")).toHaveText("builtin-1");
  for (const term of ["Input tokens", "Output tokens", "Latency", "First token", "Cost"]) await expect(figures).toContainText(term);
  await expect(figures.getByRole("link")).toHaveAttribute("href", /\/t\/acme\/requests\/[^/]+$/);
  expect((await col.getByTestId("column-output").textContent())!.trim().length).toBeGreaterThan(20);
  expect(await page.evaluate(() => (window as unknown as { sawPartial: boolean }).sawPartial)).toBe(true);
  await expect(col.getByRole("alert")).toHaveCount(0);

  // Continuing puts the answer into the thread and waits for the next user message.
  await col.getByRole("button", { name: "Continue with this answer" }).click();
  await expect(page.getByLabel("Message 2 (assistant)")).not.toHaveValue("");
  await expect(page.getByLabel("Message 3 (user)")).toBeFocused();
});

test("compares two versions of an endpoint side by side, each column with its own version and figures", async ({ page, baseURL }) => {
  await ensureTwoVersionEndpoint(page, baseURL!);
  await openPlayground(page, baseURL!, "OWNER");
  upstream.reset();

  const first = column(page, 1);
  await first.getByLabel("Endpoint", { exact: true }).selectOption({ label: ENDPOINT });
  await first.getByLabel("Version", { exact: true }).selectOption({ label: "v1" });
  await first.getByLabel("Temperature").fill("0.5");
  await page.getByRole("button", { name: "Add column to compare" }).click();
  await first.getByRole("button", { name: "Copy settings to other columns" }).click();
  const second = column(page, 2);
  await expect(second.getByLabel("Temperature")).toHaveValue("0.5");
  await second.getByLabel("Version", { exact: true }).selectOption({ label: "v2" });

  await page.getByLabel("Message 1 (user)").fill("compare these words");
  await runButton(page).click();
  for (const [col, version] of [[first, "v1"], [second, "v2"]] as const) {
    await expect(col.getByTestId("column-output")).toHaveText("echo: compare these words");
    await expect(col.getByTestId("run-version")).toHaveText(version);
    await expect(col.getByTestId("run-status")).toHaveText("completed");
  }
  // Each version reached its own provider model, with the copied temperature.
  const sent = upstream.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body!);
  expect(sent.map((b) => b.model).sort()).toEqual(["fake-chat", "fake-chat-2"]);
  for (const body of sent) expect(body).toMatchObject({ temperature: 0.5, stream: true });
  // The figures come from each run's own record, at its version's prices: 6 input tokens at $1 per
  // million on both, 4 output tokens at $2 (v1) or $4 (v2).
  const cost = async (col: typeof first) => Number((await col.getByTestId("run-figures").textContent())!.match(/Cost\$([0-9.e-]+)/)![1]);
  expect(await cost(first)).toBeCloseTo(0.000014, 12);
  expect(await cost(second)).toBeCloseTo(0.000022, 12);

  // "Use in code" writes the first column's call, and says a pinned version is a console feature.
  await page.getByRole("button", { name: "Use in code" }).click();
  const code = page.getByRole("dialog");
  await expect(code.getByRole("region", { name: "TypeScript" })).toContainText(`"model": "${ENDPOINT}"`);
  await expect(code.getByRole("region", { name: "Python" })).toContainText("temperature=0.5");
  await expect(code.getByRole("region", { name: "curl" })).toContainText("/api/v1/chat/completions");
  await expect(code).toContainText("API calls get the endpoint's active version");
});

test("Stop during a slow stream hangs up on the upstream, and the run's record says it was cancelled", async ({ page, baseURL }) => {
  await ensureTwoVersionEndpoint(page, baseURL!);
  await openPlayground(page, baseURL!, "DEVELOPER");
  upstream.reset();
  upstream.fail({ kind: "slow", chunkMs: 1_000 });

  const col = column(page, 1);
  await col.getByLabel("Endpoint", { exact: true }).selectOption({ label: ENDPOINT });
  await page.getByLabel("Message 1 (user)").fill("one two three four five six seven eight nine ten");
  await runButton(page).click();
  await expect(col.getByTestId("column-output")).toContainText("echo:");
  await page.getByRole("button", { name: "Stop" }).click();

  await expect.poll(() => upstream.hungUp, { timeout: 10_000 }).toBe(1);
  await expect(col.getByTestId("run-status")).toHaveText("cancelled");
  await expect(col).toContainText("Stopped");
  await expect(col.getByTestId("column-output")).not.toContainText("ten");
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
});

test("an empty thread or an invalid JSON Schema gives an inline error and sends no run", async ({ page, baseURL }) => {
  await ensureTwoVersionEndpoint(page, baseURL!);
  await openPlayground(page, baseURL!, "DEVELOPER");
  upstream.reset();
  const runs: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/playground/run")) runs.push(r.url());
  });
  const col = column(page, 1);
  await col.getByLabel("Endpoint", { exact: true }).selectOption({ label: ENDPOINT });

  await expect(page.getByTestId("run-problem")).toHaveText("Write a message first: the thread is empty.");
  await expect(runButton(page)).toBeDisabled();
  await page.getByLabel("Message 1 (user)").fill("   ");
  await page.getByLabel("Message 1 (user)").press("Control+Enter");
  await expect(runButton(page)).toBeDisabled();

  await page.getByLabel("Message 1 (user)").fill("answer in JSON");
  await expect(runButton(page)).toBeEnabled();
  await col.getByLabel("Response format").selectOption({ label: "JSON following a schema" });
  const schema = col.getByLabel("JSON Schema", { exact: true });
  await schema.fill('{"type": "object",');
  await expect(col.getByRole("alert")).toContainText("Not valid JSON");
  await schema.fill('{"type": "objekt"}');
  await expect(col.getByRole("alert")).toContainText("is not a JSON Schema type");
  await expect(page.getByTestId("run-problem")).toContainText("Column 1: the JSON Schema is not valid");
  await expect(runButton(page)).toBeDisabled();
  await schema.press("Control+Enter");

  // A valid schema lets it run again: the check is live, not stuck.
  await schema.fill('{"type": "object", "properties": {"answer": {"type": "string"}}}');
  await expect(col.getByText("A valid JSON Schema.")).toBeVisible();
  await expect(runButton(page)).toBeEnabled();
  expect(runs).toEqual([]);
  expect(upstream.requests).toHaveLength(0);
});

test("a viewer sees the playground without a Run button, and a forged run is refused", async ({ page, baseURL }) => {
  await openPlayground(page, baseURL!, "VIEWER");
  await expect(page.getByTestId("cannot-run")).toContainText("can look at the playground but not run prompts");
  await expect(page.getByLabel("Message 1 (user)")).toBeVisible();
  await expect(column(page, 1).getByLabel("Temperature")).toBeVisible();
  await expect(runButton(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
  // Saving to the prompt library is for those who manage prompts.
  await expect(page.getByRole("button", { name: "Save as prompt" })).toHaveCount(0);

  const endpointId = await column(page, 1).getByLabel("Endpoint", { exact: true }).inputValue();
  const forged = await page.request.post(`${baseURL}/api/t/acme/playground/run`, {
    data: { endpointId, messages: [{ role: "user", content: "hi" }], params: {} },
  });
  expect(forged.status()).toBe(403);
});

test("opens a library version in the playground with its variables filled in, runs it, and saves it as a new prompt", async ({ page, baseURL }) => {
  await ensureTwoVersionEndpoint(page, baseURL!);
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  const library = `pg-library-${SUFFIX}`;
  const saved = `pg-saved-${SUFFIX}`;

  await page.goto("/t/acme/prompts/new");
  const editor = page.getByTestId("prompt-editor");
  await editor.getByLabel("Name", { exact: true }).fill(library);
  await editor.getByLabel("System prompt").fill("You greet {{name}} warmly.");
  await editor.getByLabel("Message 1", { exact: true }).fill("Say hello to {{name}} from {{city}}.");
  await editor.getByLabel("Temperature").fill("0.4");
  await editor.getByLabel("Target endpoint").selectOption(ENDPOINT);
  await editor.getByRole("button", { name: "Create prompt" }).click();
  await expect(page.getByTestId("shown-version")).toContainText("Version 1");

  // Only {{name}} is filled in: {{city}} reaches the playground as written.
  const preview = page.getByTestId("variables-preview");
  await preview.getByLabel("{{name}}").fill("Ada");
  await preview.getByRole("link", { name: "Open in playground" }).click();
  await expect(page.getByRole("heading", { name: "Playground", level: 1 })).toBeVisible();
  await expect(page.getByTestId("library-notice")).toContainText(`Opened version 1 of ${library} from the prompt library. Filled in {{name}}`);
  await expect(page.getByLabel("System prompt")).toHaveValue("You greet Ada warmly.");
  await expect(page.getByLabel("Message 1 (user)")).toHaveValue("Say hello to Ada from {{city}}.");
  const col = column(page, 1);
  await expect(col.getByLabel("Endpoint", { exact: true }).locator("option:checked")).toHaveText(ENDPOINT);
  await expect(col.getByLabel("Temperature")).toHaveValue("0.4");

  upstream.reset();
  await page.getByLabel("Message 1 (user)").fill("Say hello to Ada from Lyon.");
  await runButton(page).click();
  await expect(col.getByTestId("column-output")).toHaveText("echo: Say hello to Ada from Lyon.");
  expect(upstream.requests.find((r) => r.path === "/v1/chat/completions")?.body).toMatchObject({ temperature: 0.4, messages: [{ role: "system", content: "You greet Ada warmly." }, { role: "user", content: "Say hello to Ada from Lyon." }] });

  // Opened from a version, the dialog offers its next version first, and warns that the values would be saved.
  await col.getByRole("button", { name: "Save as prompt" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("New version of a prompt")).toBeChecked();
  await expect(dialog.getByLabel("Prompt", { exact: true }).locator("option:checked")).toHaveText(`${library} (newest v1)`);
  await expect(dialog).toContainText("saving keeps those values, not the variables");
  await dialog.getByLabel("New prompt").check();
  await dialog.getByLabel("Name", { exact: true }).fill(saved);
  await dialog.getByLabel("Note").fill("from the playground");
  await dialog.getByRole("button", { name: "Create prompt" }).click();
  await expect(dialog.getByRole("status")).toHaveText(`Saved as version 1 of ${saved}.`);
  await dialog.getByRole("link", { name: `Open version 1 of ${saved}` }).click();

  await expect(page.getByRole("heading", { name: saved })).toBeVisible();
  await expect(page.getByTestId("shown-version")).toContainText("Version 1");
  await expect(page.getByTestId("view-system")).toHaveText("You greet Ada warmly.");
  await expect(page.getByTestId("view-message-1")).toContainText("Say hello to Ada from Lyon.");
  await expect(page.getByTestId("view-endpoint")).toHaveText(ENDPOINT);
  await expect(page.getByTestId("view-parameters")).toContainText('"temperature": 0.4');
  await expect(page.getByTestId("version-1")).toContainText("from the playground");
});

test("a link to a prompt or version that does not exist says so, and the playground still works", async ({ page, baseURL }) => {
  await openPlayground(page, baseURL!, "DEVELOPER");
  await page.goto("/t/acme/playground?prompt=no-such-prompt&version=1");
  await expect(page.getByTestId("library-notice")).toHaveText("The prompt could not be opened: No prompt named “no-such-prompt” in this tenant. The playground starts empty instead.");
  await page.goto("/t/acme/playground?prompt=no-such-prompt&version=abc");
  await expect(page.getByTestId("library-notice")).toContainText("version “abc” of no-such-prompt: version must be a number");
  await expect(page.getByLabel("Message 1 (user)")).toHaveValue("");
  await page.getByLabel("Message 1 (user)").fill("still works");
  await expect(runButton(page)).toBeEnabled();
});
