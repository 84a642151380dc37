import OpenAI from "openai";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { expect, test } from "./fixtures";
import { createApiKey, printedSignIn, signIn } from "./helpers";

let upstream: FakeOpenAI;
test.beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: "sk-e2e-provider" });
});
test.afterAll(async () => upstream.close());

test("an owner wires a provider, an endpoint and a key, an app calls it with the openai client, and revoking the key stops it", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  const nav = page.getByRole("navigation", { name: "Sections" });

  await page.goto("/t/acme/providers");
  await page.getByRole("button", { name: "Add provider" }).click();
  const addProvider = page.getByRole("dialog");
  await addProvider.getByLabel("Name").fill("Fake upstream");
  await addProvider.getByLabel("Base URL").fill(upstream.baseUrl);
  await addProvider.getByLabel("API key").fill("sk-e2e-provider");
  await addProvider.getByRole("button", { name: "Add provider" }).click();
  const row = page.getByTestId("provider-Fake upstream");
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(row.getByTestId("connection-result")).toContainText("Connected: 1 models (fake-chat)");

  await nav.getByRole("link", { name: "Endpoints" }).click();
  await page.getByRole("button", { name: "New endpoint" }).click();
  const create = page.getByRole("dialog");
  await create.getByLabel("Name", { exact: true }).fill("e2e-chat");
  await create.getByLabel("Version label").fill("v1");
  await create.getByLabel("Provider", { exact: true }).selectOption({ label: "Fake upstream" });
  await create.getByLabel("Provider's model id").fill("fake-chat");
  await create.getByLabel("Input price").fill("1");
  await create.getByLabel("Output price").fill("2");
  await create.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByRole("heading", { name: "e2e-chat" })).toBeVisible();
  await expect(page.getByTestId("version-v1").getByTestId("active-version")).toBeVisible();

  await nav.getByRole("link", { name: "API keys" }).click();
  const secret = await createApiKey(page, "e2e app");
  expect(secret).toMatch(/^keel_/);
  // Other browser tests send traffic to this tenant too: the overview counts this call on top of theirs.
  await nav.getByRole("link", { name: "Overview" }).click();
  const before = Number(await page.getByTestId("stat-requests").textContent());

  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const { data, response } = await client.chat.completions
    .create({ model: "e2e-chat", messages: [{ role: "user", content: "hello from the browser test" }] })
    .withResponse();
  expect(data.choices[0].message.content).toContain("hello from the browser test");
  expect(response.headers.get("x-request-id")).toBeTruthy();
  expect(response.headers.get("x-keel-model-version")).toBeTruthy();
  expect(upstream.requests.at(-1)?.body).toMatchObject({ model: "fake-chat" });

  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("stat-requests")).toHaveText(String(before + 1));
  await expect(page.getByTestId("stat-errors")).toHaveText("0.0%");

  await nav.getByRole("link", { name: "API keys" }).click();
  const keyRow = page.getByTestId("key-e2e app");
  await keyRow.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(keyRow.getByTestId("key-status")).toHaveText("revoked");
  await expect(async () => {
    await expect(client.chat.completions.create({ model: "e2e-chat", messages: [{ role: "user", content: "again" }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  }).toPass({ timeout: 5_000 });

  // The seed's own events (the built-in provider, the demo endpoints) are filtered out by actor.
  await nav.getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Actor").selectOption({ label: owner.email });
  await expect(page).toHaveURL(/actor=/);
  for (const [action, what] of [["provider.created", "Fake upstream"], ["endpoint.created", "e2e-chat"], ["api_key.created", "e2e app"], ["api_key.revoked", "e2e app"]]) {
    await expect(page.getByTestId("trail-change").filter({ hasText: action }).filter({ hasText: what })).toHaveCount(1);
  }
  await expect(page.getByRole("main")).not.toContainText("sk-e2e-provider");
  await expect(page.getByRole("main")).not.toContainText(secret);
});
