import { expect, test } from "./fixtures";
import { printedSignIn, signIn } from "./helpers";

test("console pages carry the security headers and the policy blocks nothing the console needs", async ({ page, baseURL }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load: ${e.violatedDirective} ${e.blockedURI}`));
  });

  const signInPage = await page.goto("/sign-in");
  const headers = signInPage!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  // Served over plain http here: no HSTS, which would lock a local install out of http.
  expect(headers["strict-transport-security"]).toBeUndefined();

  const owner = printedSignIn("OWNER");
  await signIn(page.request, baseURL!, owner.email, owner.password);
  for (const path of ["/t/acme", "/t/acme/endpoints", "/t/acme/keys", "/t/acme/audit", "/t/acme/settings"]) {
    const res = await page.goto(path);
    expect(res!.status()).toBe(200);
    expect(res!.headers()["content-security-policy"]).toContain("object-src 'none'");
    await expect(page.getByRole("navigation", { name: "Sections" })).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test("a cross-origin callbackUrl never leaves Keel after sign-in", async ({ page, baseURL }) => {
  const owner = printedSignIn("OWNER");
  for (const evil of ["/\\evil.example", "//evil.example", "https://evil.example/x"]) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(evil)}`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: /sign in/i }).first().click();
    await page.waitForURL((url) => url.pathname !== "/sign-in");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  }
});
