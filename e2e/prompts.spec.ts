import { expect, test } from "./fixtures";
import { createApiKey, printedSignIn, signIn } from "./helpers";

test("a developer saves a prompt, edits it into version 2, restores version 1 as version 3, compares them, and an application fetches version 3", async ({ page, browser, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  const nav = page.getByRole("navigation", { name: "Sections" });

  await page.goto("/t/acme");
  await nav.getByRole("link", { name: "Prompts" }).click();
  await page.getByRole("link", { name: "New prompt" }).click();
  const editor = page.getByTestId("prompt-editor");
  await editor.getByLabel("Name", { exact: true }).fill("e2e-greeting");
  await editor.getByLabel("System prompt").fill("You greet {{name}} warmly.");
  await editor.getByLabel("Message 1", { exact: true }).fill("Say hello to {{name}} from {{city}}.");
  await editor.getByLabel("Temperature").fill("0.3");
  await editor.getByLabel("Target endpoint").selectOption("demo-chat");
  await editor.getByLabel("Note").fill("first draft");
  await editor.getByRole("button", { name: "Create prompt" }).click();
  await expect(page.getByRole("heading", { name: "e2e-greeting" })).toBeVisible();
  await expect(page.getByTestId("shown-version")).toContainText("Version 1");

  // The variables form previews the messages as an application would send them.
  const preview = page.getByTestId("variables-preview");
  await preview.getByLabel("{{name}}").fill("Ada");
  await expect(preview.getByTestId("preview-missing")).toHaveText("Missing a value for {{city}}.");
  await preview.getByLabel("{{city}}").fill("Lyon");
  await expect(preview.getByTestId("preview-messages")).toContainText("You greet Ada warmly.");
  await expect(preview.getByTestId("preview-messages")).toContainText("Say hello to Ada from Lyon.");

  // Edit into version 2: the editor starts from the version shown.
  const next = page.getByTestId("prompt-editor");
  await expect(next.getByLabel("System prompt")).toHaveValue("You greet {{name}} warmly.");
  await next.getByLabel("System prompt").fill("You greet {{name}} briefly.");
  await next.getByLabel("Temperature").fill("0.9");
  await next.getByLabel("Note").fill("shorter");
  await next.getByRole("button", { name: "Save as new version" }).click();
  await expect(page.getByTestId("shown-version")).toContainText("Version 2");
  await expect(page.getByTestId("view-system")).toHaveText("You greet {{name}} briefly.");

  // Restore version 1: version 3 holds exactly what version 1 held.
  await page.getByTestId("version-1").getByRole("button", { name: "Restore version 1 as newest" }).click();
  await expect(page.getByTestId("shown-version")).toContainText("Version 3");
  await expect(page.getByTestId("shown-version")).toContainText("restored from v1");
  await expect(page.getByTestId("view-system")).toHaveText("You greet {{name}} warmly.");
  await expect(page.getByTestId("version-3").getByTestId("restored-from")).toHaveText("restored from v1");

  // The diff of versions 2 and 3 shows the changed lines side by side; 1 and 3 are the same throughout.
  await page.getByLabel("Compare version").selectOption("2");
  await page.getByLabel("with version").selectOption("3");
  await page.getByRole("button", { name: "Show diff" }).click();
  await expect(page.getByRole("heading", { name: "e2e-greeting: v2 and v3" })).toBeVisible();
  const system = page.getByTestId("diff-System prompt");
  await expect(system).toContainText("changed");
  await expect(system.locator('[data-kind="removed"]')).toHaveText("You greet {{name}} briefly.");
  await expect(system.locator('[data-kind="added"]')).toHaveText("You greet {{name}} warmly.");
  await expect(page.getByTestId("diff-Parameters").locator('[data-kind="added"]')).toContainText('"temperature": 0.3');
  await expect(page.getByTestId("diff-Message 1")).toContainText("same");
  await page.getByLabel("Compare version").selectOption("1");
  await page.getByRole("button", { name: "Show diff" }).click();
  await expect(page.getByRole("heading", { name: "e2e-greeting: v1 and v3" })).toBeVisible();
  await expect(page.getByTestId("diff-view").getByText("changed", { exact: true })).toHaveCount(0);

  // An application fetches the newest version with an API key.
  await nav.getByRole("link", { name: "API keys" }).click();
  const secret = await createApiKey(page, "prompts e2e app");
  const res = await fetch(`${baseURL}/api/v1/prompts/e2e-greeting`, { headers: { authorization: `Bearer ${secret}` } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    name: "e2e-greeting",
    version: 3,
    restored_from: 1,
    endpoint: "demo-chat",
    variables: ["name", "city"],
    parameters: { temperature: 0.3 },
    messages: [
      { role: "system", content: "You greet {{name}} warmly." },
      { role: "user", content: "Say hello to {{name}} from {{city}}." },
    ],
  });
  // The fetch is counted, and shows within seconds.
  await page.goto("/t/acme/prompts/e2e-greeting");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("fetch-count")).toHaveText("fetched 1 time in all", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });

  // A viewer reads the prompt's values but gets no inputs and no buttons that change it.
  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    const viewer = printedSignIn("VIEWER");
    await signIn(viewerPage.request, baseURL!, viewer.email, viewer.password);
    await viewerPage.goto("/t/acme/prompts");
    await expect(viewerPage.getByTestId("prompt-e2e-greeting")).toBeVisible();
    await expect(viewerPage.getByRole("link", { name: "New prompt" })).toHaveCount(0);
    await viewerPage.getByRole("link", { name: "e2e-greeting" }).click();
    await expect(viewerPage.getByTestId("view-system")).toHaveText("You greet {{name}} warmly.");
    await expect(viewerPage.getByTestId("prompt-editor")).toHaveCount(0);
    await expect(viewerPage.getByRole("button", { name: "Save as new version" })).toHaveCount(0);
    await expect(viewerPage.getByRole("button", { name: /Restore/ })).toHaveCount(0);
    await expect(viewerPage.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await viewerPage.goto("/t/acme/prompts/new");
    await expect(viewerPage.getByText("Not available to your role")).toBeVisible();
  } finally {
    await viewerContext.close();
  }
});
