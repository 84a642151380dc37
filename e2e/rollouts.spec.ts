import type { Page, Request } from "@playwright/test";
import { BUILTIN_CHAT_MODEL } from "../lib/providers/builtin/catalog";
import { expect, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

test.describe.configure({ timeout: 180_000 });

// demo-chat is shared with other specs: this one adds a version under its own label, and leaves
// builtin-1 active and no rollout running, whatever happens.
const LABEL = `canary-${Date.now().toString(36)}`;
let runningRollout: string | null = null;

test.afterAll(async ({ browser, baseURL }) => {
  if (!runningRollout) return;
  const page = await browser.newPage({ baseURL });
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto(runningRollout);
  await cancelShownRollout(page);
  await page.close();
});

/** Cancels the rollout whose page is open. */
async function cancelShownRollout(page: Page) {
  await page.getByRole("button", { name: "Cancel rollout" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel rollout" }).click();
  await expect(page.getByTestId("rollout-status").first()).toHaveText("cancelled");
  runningRollout = null;
}

/** As the signed-in owner, through the members screen. */
async function setRole(page: Page, email: string, role: string, shown: string) {
  await page.goto("/t/acme/members");
  const row = page.getByTestId(`member-${email}`);
  await row.getByLabel(`Role for ${email}`).selectOption(role);
  await expect(row.getByTestId("member-role")).toHaveText(shown);
}

/** Replays a captured call of a server action as whoever is signed in now, with other arguments. */
async function forgeAction(page: Page, baseURL: string, captured: Request, path: string, args: unknown[]) {
  const headers = captured.headers();
  const res = await page.request.post(`${baseURL}${path}`, {
    headers: { "next-action": headers["next-action"], accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", origin: baseURL },
    data: JSON.stringify(args),
  });
  expect(res.status()).toBe(200);
  return res.text();
}

test("a developer starts a rollout, an approver promotes it on the evidence, and the requester never decides on it", async ({ page, baseURL }) => {
  const [owner, developer, approver] = ["OWNER", "DEVELOPER", "APPROVER"].map(printedSignIn);
  // The owner adds a second priced version to the seeded chat endpoint.
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-chat" }).click();
  await expect(page.getByRole("heading", { name: "demo-chat", level: 1 })).toBeVisible();
  const endpointPath = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Add version" }).click();
  const add = page.getByRole("dialog");
  await add.getByLabel("Version label").fill(LABEL);
  await add.getByLabel("Provider", { exact: true }).selectOption({ label: "Built-in (demo)" });
  await add.getByLabel("Built-in model").selectOption(BUILTIN_CHAT_MODEL);
  await add.getByLabel("Input price").fill("0");
  await add.getByLabel("Output price").fill("0");
  await add.getByRole("button", { name: "Add version" }).click();
  await expect(page.getByTestId(`version-${LABEL}`)).toBeVisible();

  // A developer starts it: wrong fields are all named at once, then burn-in 0 and two steps.
  await signIn(page.request, baseURL!, developer.email, developer.password);
  await page.goto(endpointPath);
  const card = page.getByTestId("rollout-card");
  await card.getByLabel("Candidate version").selectOption({ label: LABEL });
  await card.getByLabel("Steps (% of traffic)").fill("50, 10");
  await card.getByLabel("Burn-in per step (minutes)").fill("-1");
  await card.getByLabel("Requests a side before checking").fill("many");
  await card.getByRole("button", { name: "Start rollout" }).click();
  await expect(card.getByText("Each step must send more traffic than the one before")).toBeVisible();
  await expect(card.getByText("The burn-in in minutes must be at least 0")).toBeVisible();
  await expect(card.getByText("Enter the minimum number of requests")).toBeVisible();
  await card.getByLabel("Steps (% of traffic)").fill("10, 50");
  await card.getByLabel("Burn-in per step (minutes)").fill("0");
  await card.getByLabel("Requests a side before checking").fill("50");
  await card.getByRole("button", { name: "Start rollout" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/rollouts\/[^/?]+$/);
  const rolloutPath = new URL(page.url()).pathname;
  const rolloutId = rolloutPath.split("/").pop()!;
  runningRollout = rolloutPath;
  await expect(page.getByTestId("current-step")).toHaveText("Step 1 of 2 · 10 %");
  await expect(page.getByTestId("promotion").getByTestId("read-only-note")).toHaveText("Approvers (compliance) can approve or reject a promotion.");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // The approver finds it waiting in the list, reads the evidence, and approves step 2 with a comment.
  await signIn(page.request, baseURL!, approver.email, approver.password);
  await page.goto("/t/acme/rollouts");
  const row = page.getByTestId(`rollout-${rolloutId}`);
  await expect(row.getByTestId("awaiting-decision")).toBeVisible();
  await expect(row).toContainText("1 of 2 · 10 %");
  await expect(row).toContainText(developer.email);
  await row.getByRole("link", { name: `${LABEL} vs builtin-1` }).click();
  await expect(page).toHaveURL(new RegExp(`${rolloutPath}$`));
  const evidence = page.getByTestId("evidence");
  await expect(evidence.getByRole("columnheader", { name: `Candidate: ${LABEL}` })).toBeVisible();
  await expect(evidence.getByTestId("figure-requests")).toBeVisible();
  await expect(evidence.getByTestId("figure-p95-latency")).toBeVisible();
  await expect(evidence.getByTestId("check-errors")).toContainText("error rate at most the baseline's + 2 points");
  await expect(evidence.getByTestId("check-errors")).toContainText("waiting for 50 requests a side");
  await expect(page.getByTestId("no-samples")).toContainText("keeps input hashes only");

  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("promotion").getByText("Say why, for the audit trail")).toBeVisible();
  await page.getByLabel("Comment").fill("No errors at 10 %; go to 50 %.");
  const decision = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "Approve" }).click();
  const decideCall = await decision;
  await expect(page.getByTestId("current-step")).toHaveText("Step 2 of 2 · 50 %");
  await expect(page.getByTestId("step-strip").locator("[aria-current=step]")).toContainText("50 %");
  const decided = page.getByTestId("decision");
  await expect(decided).toHaveCount(1);
  await expect(decided.getByText("approved", { exact: true })).toBeVisible();
  await expect(decided).toContainText(`${approver.email} on the promotion to step 2 (50 %)`);
  await expect(decided).toContainText("No errors at 10 %; go to 50 %.");
  await decided.getByText(`The figures ${approver.email} saw`).click();
  await expect(decided.getByTestId("check-latency")).toBeVisible();

  // Made an approver, the requester still cannot decide on their own rollout, by the form or forged.
  await signIn(page.request, baseURL!, owner.email, owner.password);
  try {
    await setRole(page, developer.email, "APPROVER", "Approver (compliance)");
    await signIn(page.request, baseURL!, developer.email, developer.password);
    await page.goto(rolloutPath);
    await expect(page.getByTestId("cannot-decide")).toHaveText("You requested this rollout; another approver decides.");
    await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
    const answer = await forgeAction(page, baseURL!, decideCall, rolloutPath, [{ tenant: "acme", rolloutId, verdict: "APPROVED", comment: "my own" }]);
    expect(answer).toContain("You requested this rollout; another approver must decide on it.");
    await page.reload();
    await expect(page.getByTestId("current-step")).toHaveText("Step 2 of 2 · 50 %");
    await expect(page.getByTestId("decision")).toHaveCount(1);
  } finally {
    await signIn(page.request, baseURL!, owner.email, owner.password);
    await setRole(page, developer.email, "DEVELOPER", "Developer");
  }

  // The endpoint's page sums it up; cancelled, builtin-1 takes all traffic and a new one can start.
  await page.goto(endpointPath);
  await expect(page.getByTestId("running-rollout")).toContainText(`${LABEL} takes 50 % of traffic (step 2 of 2) against builtin-1.`);
  await page.getByTestId("running-rollout").getByRole("link", { name: "Open the rollout" }).click();
  await expect(page).toHaveURL(new RegExp(`${rolloutPath}$`));
  await cancelShownRollout(page);
  await page.goto(endpointPath);
  await expect(page.getByTestId("version-builtin-1").getByTestId("active-version")).toBeVisible();
  await expect(page.getByTestId("rollout-card").getByRole("button", { name: "Start rollout" })).toBeVisible();
  await page.getByRole("link", { name: "Past rollouts of this endpoint" }).click();
  await expect(page.getByTestId("endpoint-filter")).toContainText("demo-chat");
  await expect(page.getByTestId(`rollout-${rolloutId}`).getByTestId("rollout-status")).toHaveText("cancelled");
});

test("an owner makes each promotion wait for two approvers, and a viewer sees the rule as a value", async ({ page, baseURL }) => {
  const [owner, viewer] = ["OWNER", "VIEWER"].map(printedSignIn);
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme/settings");
  const approvals = page.getByRole("radiogroup", { name: "Approvers per promotion" });
  await expect(approvals.getByLabel("One approver per promotion")).toBeChecked();
  try {
    await approvals.getByLabel("Two approvers per promotion", { exact: false }).check();
    await page.getByRole("button", { name: "Save approvals" }).click();
    await expect(page.getByText("Saved. It applies to the next promotion of every rollout.")).toBeVisible();
    await signIn(page.request, baseURL!, viewer.email, viewer.password);
    await page.goto("/t/acme/settings");
    await expect(page.getByTestId("rollout-approvals-value")).toHaveText("2");
    await expect(page.getByRole("button", { name: "Save approvals" })).toHaveCount(0);
  } finally {
    await signIn(page.request, baseURL!, owner.email, owner.password);
    await page.goto("/t/acme/settings");
    await page.getByRole("radiogroup", { name: "Approvers per promotion" }).getByLabel("One approver per promotion").check();
    await page.getByRole("button", { name: "Save approvals" }).click();
    await expect(page.getByText("Saved. It applies to the next promotion of every rollout.")).toBeVisible();
  }
});
