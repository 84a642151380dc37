import type { Page } from "@playwright/test";
import { BUILTIN_CHAT_MODEL } from "../lib/providers/builtin/catalog";
import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";
import { filterMenu, printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 180_000 });

// demo-chat is shared with other specs: this one adds a draft version under its own label and
// retires it at the end, so builtin-1 stays active and no rollout starts.
const LABEL = `cat-${Date.now().toString(36)}`;
const DATASET = `support-tickets-${Date.now().toString(36)}`;

/** As whoever is signed in: demo-chat's page, and its path. */
async function openDemoChat(page: Page): Promise<string> {
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-chat" }).click();
  await expect(page.getByRole("heading", { name: "demo-chat", level: 1 })).toBeVisible();
  return new URL(page.url()).pathname;
}

test("an owner fills a draft version's catalog entry, reads its lineage, and retires it; a viewer only reads it", async ({ page, baseURL }) => {
  const [owner, viewer] = ["OWNER", "VIEWER"].map(printedSignIn);
  await signIn(page.request, baseURL!, owner.email, owner.password);
  const endpointPath = await openDemoChat(page);
  await page.getByRole("button", { name: "Add version" }).click();
  const add = page.getByRole("dialog");
  await add.getByLabel("Version label").fill(LABEL);
  await add.getByLabel("Provider", { exact: true }).selectOption({ label: "Built-in (demo)" });
  await add.getByLabel("Built-in model").selectOption(BUILTIN_CHAT_MODEL);
  await add.getByLabel("Input price").fill("0");
  await add.getByLabel("Output price").fill("0");
  await add.getByRole("button", { name: "Add version" }).click();
  await expect(page.getByTestId(`version-${LABEL}`).getByRole("link", { name: LABEL })).toHaveAttribute("href", /\/t\/acme\/catalog\/[^/]+$/);

  // The catalog, filtered to drafts, lists it; builtin-1 (in production) is not among them.
  await page.goto("/t/acme/catalog");
  await filterMenu(page, "Filter by status").selectOption("draft");
  await expect(page).toHaveURL(/[?&]status=draft(&|$)/);
  const row = page.getByTestId(`catalog-demo-chat-${LABEL}`);
  await expect(row.getByTestId("catalog-status")).toHaveText("draft");
  await expect(row).toContainText(BUILTIN_CHAT_MODEL);
  await expect(page.getByTestId("catalog-demo-chat-builtin-1")).toHaveCount(0);
  await row.getByRole("link", { name: LABEL }).click();
  await expect(page.getByRole("heading", { name: LABEL, level: 1 })).toBeVisible();
  const versionPath = new URL(page.url()).pathname;
  await expect(page.getByTestId("version-heading").getByTestId("catalog-status")).toHaveText("draft");
  await expect(page.getByTestId("lineage").getByRole("img")).toHaveAccessibleName(/^Lineage: dataset none recorded, then fine-tune job none recorded, then version cat-/);

  // The card: wrong fields are all named at once, and what was typed stays.
  const card = page.getByTestId("model-card");
  await card.getByLabel("Artifact digest").fill("not a digest");
  await card.getByLabel("Base model").fill("TinyLlama-1.1B-Chat");
  await card.getByLabel("Dataset name").fill(DATASET);
  await card.getByLabel("Dataset URI").fill("s3://keel-datasets/support-tickets/2026-11.jsonl");
  await card.getByLabel("Dataset hash").fill("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  await card.getByLabel("Fine-tune job id").fill("ftjob-e2e-42");
  await card.getByLabel("Hyperparameters (JSON)").fill('{"epochs": 3,');
  await card.getByLabel("Owner").selectOption({ label: owner.email });
  await card.getByLabel("Intended use").fill("Answering support tickets in English.");
  await card.getByLabel("Limitations").fill("Not tested on legal questions.");
  await card.getByLabel("Risks").fill("May invent order numbers; answers are reviewed.");
  await card.getByRole("button", { name: "Save entry" }).click();
  await expect(card.getByText("Hyperparameters must be a JSON object")).toBeVisible();
  await expect(card.getByText("Give the digest as algorithm:value")).toBeVisible();
  await expect(card.getByLabel("Dataset name")).toHaveValue(DATASET);
  await expect(page.getByTestId("fact-base-model")).toHaveText("none recorded");
  // The form with its errors, the lineage and the charts pass axe.
  expect(await seriousViolations(page)).toEqual([]);

  await card.getByLabel("Artifact digest").fill("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  await card.getByLabel("Hyperparameters (JSON)").fill('{"epochs": 3, "learning_rate": 0.0002}');
  await card.getByRole("button", { name: "Save entry" }).click();
  await expect(card.getByRole("status")).toContainText("Saved.");
  await expect(card.getByRole("alert")).toHaveCount(0);
  await expect(page.getByTestId("fact-base-model")).toHaveText("TinyLlama-1.1B-Chat");
  await expect(page.getByTestId("fact-hyperparameters")).toHaveText('{"epochs":3,"learning_rate":0.0002}');
  await expect(page.getByTestId("fact-owner")).toHaveText(owner.email);
  await expect(page.getByTestId("fact-artifact-digest")).toHaveText(/^sha256:2cf24dba/);

  // The lineage names the dataset, the job and the endpoint, in the drawing and in its name.
  const lineage = page.getByTestId("lineage");
  await expect(lineage.getByRole("img")).toHaveAccessibleName(
    `Lineage: dataset ${DATASET}, then fine-tune job ftjob-e2e-42, then version ${LABEL}, then endpoint demo-chat, then no rollout recorded.`,
  );
  await expect(lineage.locator("svg")).toContainText(DATASET.slice(0, 21));
  await expect(lineage.locator("svg")).toContainText("demo-chat");
  await expect(lineage.getByRole("link", { name: "Endpoint demo-chat" })).toHaveAttribute("href", endpointPath);

  // A viewer reads the same entry with no form and no Retire button.
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  await page.goto(versionPath);
  await expect(page.getByTestId("card-intendedUse")).toHaveText("Answering support tickets in English.");
  await expect(page.getByTestId("card-risks")).toHaveText("May invent order numbers; answers are reviewed.");
  await expect(page.getByTestId("model-card").getByTestId("read-only-note")).toContainText("can fill in a draft version's entry and model card");
  await expect(page.getByRole("button", { name: "Save entry" })).toHaveCount(0);
  await expect(page.getByTestId("model-card").getByRole("textbox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retire version" })).toHaveCount(0);
  await page.goto("/t/acme/catalog");
  await expect(page.getByTestId(`catalog-demo-chat-${LABEL}`)).toBeVisible();

  // The owner retires it; it can no longer be made active.
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto(versionPath);
  await page.getByRole("button", { name: "Retire version" }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("can then never answer on demo-chat again");
  await confirm.getByRole("button", { name: "Retire version" }).click();
  await expect(page.getByTestId("version-heading").getByTestId("catalog-status")).toHaveText("retired");
  await expect(page.getByTestId("fact-retired")).not.toHaveText("No");
  await expect(page.getByRole("button", { name: "Retire version" })).toHaveCount(0);

  await page.goto(endpointPath);
  await page.getByTestId(`version-${LABEL}`).getByRole("button", { name: `Activate ${LABEL}` }).click();
  await expect(page.getByTestId(`version-${LABEL}`).getByRole("alert")).toHaveText(`${LABEL} is retired and may not serve again; add a new version instead.`);
  await expect(page.getByTestId("version-builtin-1").getByTestId("active-version")).toBeVisible();
});

test("the production filter lists demo-chat's active version, and a request record leads to it in one click", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme/catalog?status=production");
  const active = page.getByTestId("catalog-demo-chat-builtin-1");
  await expect(active.getByTestId("catalog-status")).toHaveText("production");
  await expect(page.getByTestId("catalog-status").filter({ hasNotText: "production" })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  // A request through the gateway, as the playground sends it, answered by the active version.
  const endpointId = (await openDemoChat(page)).split("/").pop()!;
  const res = await page.request.post(`${baseURL}/api/t/acme/playground/run`, {
    data: { endpointId, messages: [{ role: "user", content: "Say hi." }], params: { max_tokens: 4 } },
  });
  expect(res.status()).toBe(200);
  await res.body();
  const requestId = res.headers()["x-request-id"];
  expect(requestId).toBeTruthy();
  await expect.poll(async () => (await page.request.get(`${baseURL}/api/t/acme/playground/runs/${requestId}`)).status()).toBe(200);

  await page.goto(`/t/acme/requests/${requestId}`);
  await page.getByTestId("request-version-that-answered").getByRole("link", { name: "builtin-1" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/catalog\/[^/?]+$/);
  await expect(page.getByRole("heading", { name: "builtin-1", level: 1 })).toBeVisible();
  await expect(page.getByTestId("version-heading").getByTestId("catalog-status")).toHaveText("production");
  // It has served, so its entry is fixed; the serving history shows it answering now.
  await expect(page.getByTestId("card-fixed")).toHaveText("This version has served, so its entry is fixed: add a new version for a change.");
  await expect(page.getByRole("button", { name: "Save entry" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retire version" })).toHaveCount(0);
  const current = page.getByTestId("serving-history").getByRole("row").nth(1);
  await expect(current).toContainText("builtin-1");
  await expect(current).toContainText("now");
  await expect(page.getByTestId("approvals")).toBeVisible();
  await expect(page.getByTestId("version-drift")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
