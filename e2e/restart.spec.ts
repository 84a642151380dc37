import { expect, test } from "./fixtures";
import { signIn } from "./helpers";
import { startKeel } from "./keel-process";

test("a second start keeps every row, even after kill -9, and prints the sign-ins only once", async ({ page }) => {
  test.setTimeout(240_000);
  const first = await startKeel({ port: 3101 });
  const admin = first.signIns.find((s) => s.role === "PLATFORM ADMIN")!;
  expect(first.output()).toContain("Keel is ready on http://localhost:3101");
  await signIn(page.request, first.url, admin.email, admin.password);
  // The admin's read-only visit, as a plain request: a page would leave prefetches open for the kill to cut.
  expect((await page.request.get(`${first.url}/t/acme/audit`)).status()).toBe(200);
  await first.stop("SIGKILL");

  const second = await startKeel({ port: 3101, home: first.home });
  try {
    expect(second.signIns).toEqual([]);
    expect(second.output()).toContain("Sign in at http://localhost:3101/sign-in");
    const owner = first.signIns.find((s) => s.role === "OWNER")!;
    await page.context().clearCookies();
    await signIn(page.request, second.url, owner.email, owner.password);
    await page.goto(`${second.url}/t/acme/audit`);
    // The seed's events (the tenant, six members, the built-in provider and two demo endpoints)
    // and the platform admin's read-only visit, written before the page answered and so kept.
    await expect(page.getByTestId("audit-action")).toHaveCount(11);
    await expect(page.getByTestId("audit-action").filter({ hasText: "platform.visited" })).toHaveCount(1);
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByTestId("chain-verdict")).toContainText("Intact: 11 events");
  } finally {
    // Off Keel before it stops: the page's link prefetches would otherwise be cut mid-answer.
    await page.goto("about:blank");
    await second.stop();
  }
});
