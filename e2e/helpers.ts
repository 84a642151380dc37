import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import type { SignIn } from "./keel-process";

/** The sign-ins Keel printed when the test server first started. */
export function printedSignIn(role: string): SignIn {
  const all: SignIn[] = JSON.parse(process.env.KEEL_E2E_SIGN_INS ?? "[]");
  const found = all.find((s) => s.role === role);
  if (!found) throw new Error(`Keel printed no sign-in for ${role}`);
  return found;
}

/**
 * A table's filter menu once it can be used. While a page streams in, the menu's disabled stand-in
 * (its Suspense fallback) and the menu itself may both be in the document for a moment, under the
 * same name: only the enabled one is the menu.
 */
export function filterMenu(page: Page, name: string): Locator {
  return page.getByLabel(name).and(page.locator("select:enabled"));
}

/** Creates an API key named `name` on the keys page the page shows, through its dialog; returns the secret, shown once. */
export async function createApiKey(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = (await dialog.getByTestId("api-key-secret").textContent())!.trim();
  await dialog.getByRole("button", { name: "Done" }).click();
  return secret;
}

/** Signs in through the auth endpoint (not the form), sharing the page's cookies. */
export async function signIn(request: APIRequestContext, baseURL: string, email: string, password: string) {
  const { csrfToken } = await (await request.get(`${baseURL}/api/auth/csrf`)).json();
  const res = await request.post(`${baseURL}/api/auth/callback/password`, {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get(`${baseURL}/api/auth/session`)).json();
  expect(session?.user?.email).toBe(email);
}

/**
 * As the printed owner: a provider on an OpenAI-compatible upstream and an endpoint on it with two
 * priced versions, v1 (active) and v2 (not active), made through the console's own screens.
 */
export async function createTwoVersionEndpoint(page: Page, baseURL: string, opts: { provider: string; endpoint: string; baseUrl: string; apiKey: string }) {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL, owner.email, owner.password);
  await page.goto("/t/acme/providers");
  await page.getByRole("button", { name: "Add provider" }).click();
  const provider = page.getByRole("dialog");
  await provider.getByLabel("Name").fill(opts.provider);
  await provider.getByLabel("Base URL").fill(opts.baseUrl);
  await provider.getByLabel("API key").fill(opts.apiKey);
  await provider.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByTestId(`provider-${opts.provider}`)).toBeVisible();

  await page.goto("/t/acme/endpoints");
  await page.getByRole("button", { name: "New endpoint" }).click();
  const create = page.getByRole("dialog");
  await create.getByLabel("Name", { exact: true }).fill(opts.endpoint);
  await create.getByLabel("Version label").fill("v1");
  await create.getByLabel("Provider", { exact: true }).selectOption({ label: opts.provider });
  await create.getByLabel("Provider's model id").fill("fake-chat");
  await create.getByLabel("Input price").fill("1");
  await create.getByLabel("Output price").fill("2");
  await create.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByRole("heading", { name: opts.endpoint })).toBeVisible();

  await page.getByRole("button", { name: "Add version" }).click();
  const add = page.getByRole("dialog");
  await add.getByLabel("Version label").fill("v2");
  await add.getByLabel("Provider", { exact: true }).selectOption({ label: opts.provider });
  await add.getByLabel("Provider's model id").fill("fake-chat-2");
  await add.getByLabel("Input price").fill("1");
  await add.getByLabel("Output price").fill("4");
  await add.getByRole("button", { name: "Add version" }).click();
  await expect(page.getByTestId("version-v2")).toBeVisible();
  await expect(page.getByTestId("version-v1").getByTestId("active-version")).toBeVisible();
}
