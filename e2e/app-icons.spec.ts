import { expect, test } from "./fixtures";

test("the app icons are served from public/ and named in every page's head", async ({ page }) => {
  for (const [path, type] of [
    ["/favicon.ico", "image/x-icon"],
    ["/icon.svg", "image/svg+xml"],
    ["/apple-touch-icon.png", "image/png"],
  ]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toContain(type);
  }
  // The page loads them itself: the fixture fails the test if the policy or a 404 gets in the way.
  await page.goto("/sign-in");
  await expect(page.locator('head link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('head link[rel="icon"][href^="/icon.svg"]')).toHaveCount(1);
  await expect(page.locator('head link[rel="apple-touch-icon"][href^="/apple-touch-icon.png"]')).toHaveCount(1);
  const icon = await page.evaluate(async () => (await fetch("/favicon.ico")).status);
  expect(icon).toBe(200);
});
