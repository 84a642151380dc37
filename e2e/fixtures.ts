import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

/**
 * Playwright's `test` and `expect`, with every page watched: a console error, an uncaught page
 * error, or a request to the page's own origin that fails or answers 400 or more makes the test
 * fail at its end, listing them, unless the test declared it first with `expectConsoleError`,
 * `expectFailedResponse` or `expectFailedRequest`. A hydration mismatch or a broken asset cannot then pass unseen.
 */

type Problem = { kind: "console error" | "page error" | "failed request" | "response"; text: string; url?: string; status?: number };
type Watch = { problems: Problem[]; origins: Set<string>; consoleErrors: RegExp[]; responses: { url: RegExp; status?: number }[]; failures: RegExp[] };

const watches = new WeakMap<Page, Watch>();

function watchOf(page: Page): Watch {
  const watch = watches.get(page);
  if (!watch) throw new Error("This page is not watched: import test from e2e/fixtures");
  return watch;
}

/** Declares a console error (or uncaught page error) this test causes on purpose. */
export function expectConsoleError(page: Page, pattern: RegExp) {
  watchOf(page).consoleErrors.push(pattern);
}

/** Declares an answer of 400 or more this test causes on purpose; any such status if none is given. */
export function expectFailedResponse(page: Page, url: RegExp, status?: number) {
  watchOf(page).responses.push({ url, status });
}

/** Declares requests that get no answer at all on purpose (a server the test stops under the page). */
export function expectFailedRequest(page: Page, url: RegExp) {
  watchOf(page).failures.push(url);
}

// Chromium logs each failed load as a console error too; it is judged once, as the request it names.
const FAILED_LOAD = /^Failed to load resource/;

function watchPage(page: Page, baseURL: string | undefined) {
  const watch: Watch = { problems: [], origins: new Set(baseURL ? [new URL(baseURL).origin] : []), consoleErrors: [], responses: [], failures: [] };
  watches.set(page, watch);
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith("http")) watch.origins.add(new URL(frame.url()).origin);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") watch.problems.push({ kind: "console error", text: msg.text(), url: msg.location().url });
  });
  page.on("pageerror", (error) => watch.problems.push({ kind: "page error", text: error.stack ?? error.message }));
  page.on("response", (res) => {
    if (res.status() >= 400) watch.problems.push({ kind: "response", text: `${res.status()} ${res.url()}`, url: res.url(), status: res.status() });
  });
  page.on("requestfailed", (req) => {
    const reason = req.failure()?.errorText ?? "";
    // The browser cancels requests it no longer needs (a prefetch, a navigation overtaken): not a failure.
    if (reason === "net::ERR_ABORTED") return;
    watch.problems.push({ kind: "failed request", text: `${reason} ${req.url()}`, url: req.url() });
  });
}

/** What was seen that no declaration covers, one line each. */
function unexpected(watch: Watch): string[] {
  const ownOrigin = (url: string | undefined) => !!url && url.startsWith("http") && watch.origins.has(new URL(url).origin);
  const declaredResponse = (url: string, status?: number) => watch.responses.some((r) => r.url.test(url) && (r.status === undefined || r.status === status));
  const declaredFailure = (url: string) => watch.failures.some((re) => re.test(url));
  const requested = new Set(watch.problems.filter((p) => p.kind === "response" || p.kind === "failed request").map((p) => p.url));
  return watch.problems
    .filter((p) => {
      if (p.kind === "response") return ownOrigin(p.url) && !declaredResponse(p.url!, p.status);
      if (p.kind === "failed request") return ownOrigin(p.url) && !declaredFailure(p.url!);
      // The browser's own loads (the favicon) reach only the console, so a declaration covers them there.
      if (p.kind === "console error" && FAILED_LOAD.test(p.text) && p.url) {
        if (requested.has(p.url) || declaredFailure(p.url) || watch.responses.some((r) => r.url.test(p.url!))) return false;
      }
      return !watch.consoleErrors.some((re) => re.test(p.text));
    })
    .map((p) => `${p.kind}: ${p.text}${p.kind === "console error" && p.url ? ` (${p.url})` : ""}`);
}

/**
 * Watches pages in contexts a test opens itself (a second person's browser) as well as its own:
 * Playwright announces new contexts nowhere, so `newContext` is wrapped for the test's duration.
 */
function watchNewContexts(browser: Browser, onContext: (c: BrowserContext, baseURL?: string) => void) {
  const original = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await original(...args);
    onContext(context, args[0]?.baseURL);
    return context;
  };
  return () => {
    browser.newContext = original;
  };
}

export const test = base.extend<{ watchBrowserErrors: void }>({
  watchBrowserErrors: [
    async ({ page, context, browser, baseURL }, use) => {
      // Kept here, not read from the contexts at the end: a context the test closed lists no pages.
      const pages: Page[] = [];
      const watchContext = (c: BrowserContext, url = baseURL) =>
        c.on("page", (p) => {
          watchPage(p, url);
          pages.push(p);
        });
      watchPage(page, baseURL);
      pages.push(page);
      watchContext(context);
      const restore = watchNewContexts(browser, watchContext);
      try {
        await use();
      } finally {
        restore();
      }
      const lines = pages.flatMap((p) => unexpected(watchOf(p)));
      if (lines.length) {
        throw new Error(`The browser reported ${lines.length} problem(s) this test did not expect:\n  ${lines.join("\n  ")}`);
      }
    },
    { auto: true },
  ],
});

export { expect };
