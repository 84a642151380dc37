import { expect, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 180_000 });

test("on a fresh install, the try-it panel streams an answer from the built-in chat model", async ({ page, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-chat" }).click();
  await expect(page.getByTestId("builtin-notice")).toContainText("Tiny demo model");

  // Notes whether text showed while the answer was still running: streamed, not sent at the end.
  await page.evaluate(() => {
    const w = window as unknown as { sawPartial: boolean };
    w.sawPartial = false;
    new MutationObserver(() => {
      const output = document.querySelector('[data-testid="try-output"]')?.textContent ?? "";
      const running = [...document.querySelectorAll("button")].some((b) => b.textContent?.includes("Stop"));
      if (running && output.length > 1 && output !== "…") w.sawPartial = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const panel = page.getByTestId("try-panel");
  await panel.getByLabel("Message", { exact: true }).fill("Write three sentences about the sea.");
  await panel.getByLabel("Max tokens").fill("96");
  await panel.getByRole("button", { name: "Run" }).click();
  await expect(panel.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(panel.getByTestId("try-status")).toContainText("output tokens", { timeout: 120_000 });
  await expect(panel.getByTestId("try-status")).toContainText("version builtin-1");
  expect((await panel.getByTestId("try-output").textContent())!.trim().length).toBeGreaterThan(20);
  expect(await page.evaluate(() => (window as unknown as { sawPartial: boolean }).sawPartial)).toBe(true);
  await expect(panel.getByRole("alert")).toHaveCount(0);
});

test("the try-it panel embeds texts with the built-in model and compares them", async ({ page, baseURL }) => {
  const dev = printedSignIn("DEVELOPER");
  await signIn(page.request, baseURL!, dev.email, dev.password);
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-embed" }).click();
  const panel = page.getByTestId("try-panel");
  await panel.getByLabel("Texts, one per line").fill("How do I reset my password?\nWhat are the steps to change my password?\nThe harvest was late this year.");
  await panel.getByRole("button", { name: "Run" }).click();
  await expect(panel.getByTestId("try-dimensions")).toHaveText("512");
  // The most alike pair comes first: the two questions about passwords.
  const first = panel.getByTestId("try-embeddings").getByRole("row").nth(1);
  await expect(first).toContainText("reset my password");
  await expect(first).toContainText("steps to change my password");
});

test("a viewer sees no try-it panel", async ({ page, baseURL }) => {
  const viewer = printedSignIn("VIEWER");
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-chat" }).click();
  await expect(page.getByRole("heading", { name: "demo-chat" })).toBeVisible();
  await expect(page.getByTestId("try-panel")).toHaveCount(0);
});
