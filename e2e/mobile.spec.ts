import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

test.use({ viewport: { width: 390, height: 844 } });

// Every section in the menu, and the heading its page shows.
const SECTIONS = [
  ["Overview", "Overview"],
  ["Monitoring", "Monitoring"],
  ["Endpoints", "Endpoints"],
  ["Model catalog", "Model catalog"],
  ["Rollouts", "Rollouts"],
  ["Evaluations", "Evaluations"],
  ["Fine-tuning", "Fine-tuning"],
  ["Playground", "Playground"],
  ["Prompts", "Prompts"],
  ["API keys", "API keys"],
  ["Providers", "Providers"],
  ["Members", "Members"],
  ["Audit log", "Audit log"],
  ["Settings", "Settings"],
] as const;

/** Whether the page scrolls sideways: a table or a long line must scroll inside its own box instead. */
async function scrollsSideways(page: Page) {
  return page.evaluate(() => {
    const root = document.scrollingElement!;
    return root.scrollWidth > root.clientWidth + 1 ? `${root.scrollWidth} px wide in a ${root.clientWidth} px window` : null;
  });
}

test("on a phone an owner reaches every section through the menu, and no page scrolls sideways", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  await page.goto("/t/acme/settings");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  // The sidebar is gone at this width; the menu button stands in for it.
  await expect(page.getByRole("navigation", { name: "Sections" })).toBeHidden();

  for (const [item, heading] of SECTIONS) {
    await page.getByRole("button", { name: "Open menu" }).click();
    const menu = page.getByRole("dialog", { name: "Menu" });
    await menu.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: item }).click();
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expect(menu).toHaveCount(0);
    expect(await scrollsSideways(page), item).toBeNull();
  }

  // A page below a section, with its wide version table, fits too.
  await page.goto("/t/acme/endpoints");
  await page.getByRole("link", { name: "demo-chat" }).click();
  await expect(page.getByRole("heading", { name: "demo-chat", level: 1 })).toBeVisible();
  expect(await scrollsSideways(page), "an endpoint's page").toBeNull();

  // The tenant switcher is in the menu too.
  await page.getByRole("button", { name: "Open menu" }).click();
  await page.getByRole("dialog", { name: "Menu" }).getByRole("button", { name: "Switch tenant" }).click();
  await expect(page.getByRole("menuitem", { name: "Acme Corp" })).toBeVisible();
});
