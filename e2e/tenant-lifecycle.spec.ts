import crypto from "node:crypto";
import { expect, expectFailedResponse, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

test("a platform admin creates a tenant, invites a member, changes their role, and sees each change in the audit log", async ({ page, baseURL, browser }) => {
  const admin = printedSignIn("PLATFORM ADMIN");
  await signIn(page.request, baseURL!, admin.email, admin.password);
  const slug = `globex-${crypto.randomBytes(3).toString("hex")}`;
  const invitee = `dev-${slug}@example.test`;

  await page.goto("/admin");
  await page.getByRole("button", { name: "New tenant" }).click();
  const create = page.getByRole("dialog");
  await create.getByLabel("Name").fill("Globex Research");
  await create.getByLabel("Slug").fill(slug);
  await create.getByLabel("Owner's email").fill(admin.email);
  await create.getByRole("button", { name: "Create tenant" }).click();
  await expect(create.getByText(`/t/${slug} is ready`)).toBeVisible();
  await create.getByRole("button", { name: "Open tenant" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Members" }).click();
  await page.getByRole("button", { name: "Invite member" }).click();
  const invite = page.getByRole("dialog");
  await invite.getByLabel("Email").fill(invitee);
  await invite.getByLabel("Role").selectOption("DEVELOPER");
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(invite.getByText(`${invitee} is now a member`)).toBeVisible();
  const link = (await invite.getByTestId("one-time-link").textContent())!.trim();
  expect(link).toContain("/invite/");
  await invite.getByRole("button", { name: "Done" }).click();

  const row = page.getByTestId(`member-${invitee}`);
  await expect(row.getByTestId("member-role")).toHaveText("Developer");
  await row.getByLabel(`Role for ${invitee}`).selectOption("AUDITOR");
  await expect(row.getByTestId("member-role")).toHaveText("Auditor");

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Audit log" }).click();
  const actions = page.getByTestId("audit-action");
  await expect(actions.first()).toHaveText("member.role_changed");
  await expect(actions).toHaveText(["member.role_changed", "member.invited", "member.invited", "tenant.created"]);
  const roleChange = page.getByRole("row").filter({ hasText: "member.role_changed" });
  await expect(roleChange).toContainText(invitee);
  await expect(roleChange).toContainText(`"role":"AUDITOR"`);
  await expect(roleChange).toContainText(`"role":"DEVELOPER"`);
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("chain-verdict")).toContainText("Intact: 4 events");

  // The invited person redeems the one-time link and lands in the tenant as an auditor.
  const context = await browser.newContext();
  const theirs = await context.newPage();
  await theirs.goto(link);
  await theirs.getByLabel("Your name").fill("Dana Developer");
  await theirs.getByLabel("Password", { exact: true }).fill("a-long-enough-password");
  await theirs.getByLabel("Confirm password").fill("a-long-enough-password");
  await theirs.getByRole("button", { name: "Join and sign in" }).click();
  await expect(theirs).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(theirs.getByText("You are Auditor in Globex Research.")).toBeVisible();
  await theirs.goto(link);
  await expect(theirs.getByText("This link no longer works")).toBeVisible();
  await context.close();
});

test("forms show every field's error at once and change nothing", async ({ page, baseURL }) => {
  const admin = printedSignIn("PLATFORM ADMIN");
  await signIn(page.request, baseURL!, admin.email, admin.password);
  await page.goto("/admin");
  await page.getByRole("button", { name: "New tenant" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("x");
  await dialog.getByLabel("Slug").fill("Not A Slug!");
  await dialog.getByLabel("Owner's email").fill("not-an-email");
  await dialog.getByRole("button", { name: "Create tenant" }).click();
  await expect(dialog.getByText("Name must be at least 2 characters")).toBeVisible();
  await expect(dialog.getByText("Slug may hold lowercase letters, digits and inner hyphens")).toBeVisible();
  await expect(dialog.getByText("Enter a valid email address")).toBeVisible();
  await expect(dialog.getByLabel("Slug")).toHaveValue("Not A Slug!");
  await page.keyboard.press("Escape");
  await page.getByPlaceholder("Search name or slug…").fill("Not A Slug");
  await expect(page.getByText("No tenants match.")).toBeVisible();
});

test("a viewer sees no audit log and cannot manage members", async ({ page, baseURL }) => {
  const viewer = printedSignIn("VIEWER");
  await signIn(page.request, baseURL!, viewer.email, viewer.password);
  await page.goto("/t/acme/members");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Invite member" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await page.goto("/t/acme/audit");
  await expect(page.getByText("Not available to your role")).toBeVisible();
  const res = await page.request.get("/api/t/acme/audit/verify");
  expect(res.status()).toBe(403);
  expectFailedResponse(page, /\/admin$/, 404);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("the sign-in form says why it refused", async ({ page }) => {
  expectFailedResponse(page, /\/api\/auth\/callback\/password$/, 401);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("owner@acme.test");
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText("Email or password is incorrect.");
  const owner = printedSignIn("OWNER");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/t\/acme$/);
  await expect(page.getByText("You are Owner in Acme Corp.")).toBeVisible();
});
