import { expect, expectConsoleError, expectFailedResponse, test } from "./fixtures";

// The watch on the browser is itself tested: each `test.fail` here passes only if the fixture
// fails the test at its end, as it must for a hydration error or a broken request.

test.fail("an unexpected console error fails the test", async ({ page }) => {
  await page.goto("/sign-in");
  await page.evaluate(() => console.error("Minified React error #418; visit https://react.dev/errors/418"));
});

test.fail("an uncaught error in the page fails the test", async ({ page }) => {
  await page.goto("/sign-in");
  const thrown = page.waitForEvent("pageerror");
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error("thrown in the page");
    });
  });
  await thrown;
});

test.fail("an unexpected 404 of the page's own origin fails the test", async ({ page }) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
});

test("declared errors and responses pass", async ({ page }) => {
  expectConsoleError(page, /thrown on purpose/);
  expectFailedResponse(page, /\/no-such-page$/, 404);
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await page.evaluate(() => console.error("thrown on purpose"));
});
