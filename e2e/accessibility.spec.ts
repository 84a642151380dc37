import crypto from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import OpenAI from "openai";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { focusIsVisible, seriousViolations } from "./axe";
import { expect, expectFailedResponse, test } from "./fixtures";
import { createApiKey, createTwoVersionEndpoint, printedSignIn, signIn } from "./helpers";

// Every screen an owner or a viewer opens, filled with what a working tenant holds: an endpoint on
// a provider, a prompt with two versions, a key, a request that went through the gateway, and a
// rollout running on the endpoint.
// Seeded again under new names if a failed test restarts the worker, so every test runs and reports.
const SUFFIX = crypto.randomBytes(3).toString("hex");
const ENDPOINT = `a11y-chat-${SUFFIX}`;
const PROMPT = `a11y-greeting-${SUFFIX}`;
let upstream: FakeOpenAI;
let endpointPath = "";
let catalogPath = "";
let requestId = "";
let rolloutPath = "";

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  upstream = await startFakeOpenAI({ apiKey: "sk-a11y" });
  await seedTenant(browser, baseURL!);
});
test.afterAll(async () => upstream?.close());

async function seedTenant(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await createTwoVersionEndpoint(page, baseURL, { provider: `A11y upstream ${SUFFIX}`, endpoint: ENDPOINT, baseUrl: upstream.baseUrl, apiKey: "sk-a11y" });
  endpointPath = new URL(page.url()).pathname;
  catalogPath = (await page.getByTestId("version-v2").getByRole("link", { name: "v2", exact: true }).getAttribute("href"))!;

  await page.goto("/t/acme/prompts/new");
  const editor = page.getByTestId("prompt-editor");
  await editor.getByLabel("Name", { exact: true }).fill(PROMPT);
  await editor.getByLabel("System prompt").fill("You greet {{name}} warmly.");
  await editor.getByLabel("Message 1", { exact: true }).fill("Say hello to {{name}}.");
  await editor.getByLabel("Target endpoint").selectOption(ENDPOINT);
  await editor.getByRole("button", { name: "Create prompt" }).click();
  await expect(page.getByTestId("shown-version")).toContainText("Version 1");
  await page.getByTestId("prompt-editor").getByLabel("System prompt").fill("You greet {{name}} briefly.");
  await page.getByTestId("prompt-editor").getByRole("button", { name: "Save as new version" }).click();
  await expect(page.getByTestId("shown-version")).toContainText("Version 2");

  await page.goto("/t/acme/keys");
  const secret = await createApiKey(page, `a11y app ${SUFFIX}`);
  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: ENDPOINT, messages: [{ role: "user", content: "hello" }] }).withResponse();
  requestId = response.headers.get("x-request-id")!;

  await page.goto(endpointPath);
  await page.getByTestId("rollout-card").getByRole("button", { name: "Start rollout" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/rollouts\/[^/]+$/);
  rolloutPath = new URL(page.url()).pathname;
  await context.close();
}

function tenantPages() {
  return [
    "/t/acme",
    "/t/acme/monitoring",
    "/t/acme/monitoring/costs",
    "/t/acme/monitoring/alerts",
    "/t/acme/endpoints",
    endpointPath,
    "/t/acme/rollouts",
    rolloutPath,
    "/t/acme/catalog",
    catalogPath,
    "/t/acme/evals",
    "/t/acme/fine-tuning",
    "/t/acme/playground",
    "/t/acme/prompts",
    `/t/acme/prompts/${PROMPT}`,
    "/t/acme/prompts/new",
    `/t/acme/prompts/${PROMPT}/diff?from=1&to=2`,
    "/t/acme/keys",
    "/t/acme/providers",
    "/t/acme/members",
    "/t/acme/audit",
    "/t/acme/settings",
    `/t/acme/requests/${requestId}`,
    "/account",
  ];
}

/** Opens each path, waits for its heading, and collects axe's serious and critical findings per page. */
async function auditPages(page: Page, paths: string[]) {
  const found: Record<string, string[]> = {};
  for (const path of paths) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    const lines = await seriousViolations(page);
    if (lines.length) found[path] = lines;
  }
  return found;
}


// Each test runs axe on a dozen pages or more, each a full render and analysis: more than the
// default minute on a two-core machine.
test.describe.configure({ timeout: 240_000 });

test("every console page passes axe for an owner, a create dialog too", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  const found = await auditPages(page, tenantPages());

  await page.goto("/t/acme/endpoints");
  await page.getByRole("button", { name: "New endpoint" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  const dialog = await seriousViolations(page, "[role=dialog]");
  if (dialog.length) found["New endpoint dialog"] = dialog;
  expect(found).toEqual({});
});

test("in the dark theme too, every console page passes axe for an owner", async ({ page, baseURL }) => {
  // The theme follows the system's setting until a person picks one.
  await page.emulateMedia({ colorScheme: "dark" });
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  const found = await auditPages(page, tenantPages());
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect(found).toEqual({});
});

test("every console page passes axe for a viewer, the audit log's refusal included", async ({ page, baseURL }) => {
  const viewer = printedSignIn("VIEWER");
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  const requestPage = `/t/acme/requests/${requestId}`;
  const found = await auditPages(page, tenantPages().filter((p) => p !== requestPage));
  await page.goto("/t/acme/audit");
  await expect(page.getByText("Not available to your role")).toBeVisible();
  // A viewer sees only their own requests; an application's is not found for them.
  expectFailedResponse(page, new RegExp(`${requestPage}$`), 404);
  expect((await page.goto(requestPage))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  const notFound = await seriousViolations(page);
  if (notFound.length) found[requestPage] = notFound;
  expect(found).toEqual({});
});

test("the platform admin's pages, the sign-in page and the not-found page pass axe", async ({ page, baseURL }) => {
  const found: Record<string, string[]> = {};
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  const signInPage = await seriousViolations(page);
  if (signInPage.length) found["/sign-in"] = signInPage;

  const admin = printedSignIn("PLATFORM ADMIN");
  await signIn(page.request, baseURL!, admin.email, admin.password);
  Object.assign(found, await auditPages(page, ["/admin", "/admin/sign-ins"]));

  expectFailedResponse(page, /\/no-such-page$/, 404);
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  const notFound = await seriousViolations(page);
  if (notFound.length) found["not found"] = notFound;
  expect(found).toEqual({});
});

test("the user menu opens from the keyboard alone, with focus visible on the way", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const account = page.getByRole("button", { name: "Account" });
  await tabTo(page, "Account");
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem", { name: "Sign out", exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(account).toBeFocused();
});

test("on a phone the menu opens and closes from the keyboard, and a section is chosen from it", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const open = page.getByRole("button", { name: "Open menu" });
  await tabTo(page, "Open menu");
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.press("Enter");
  const drawer = page.getByRole("dialog", { name: "Menu" });
  await expect(drawer).toBeVisible();
  expect(await seriousViolations(page, "[role=dialog]")).toEqual([]);
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(open).toBeFocused();

  await page.keyboard.press("Enter");
  await expect(drawer).toBeVisible();
  await tabTo(page, "Endpoints");
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Endpoints", level: 1 })).toBeVisible();
  await expect(drawer).toHaveCount(0);
});

/** Presses Tab until the element named `name` has focus; fails if 40 presses do not reach it. */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "";
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached ${name}`);
}
