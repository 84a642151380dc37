// The console's share of `npm run bench:gateway`: before it measures, the bench signs in as the
// tenant's owner the way a browser does and renders every console page a few times. A Keel whose
// console was used is slower: Next's rendering leaves garbage in the process the gateway shares,
// and collecting it costs the gateway a quarter or more of its throughput (see DESIGN.md).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { request } from "undici";

/** A console page: its file (`app/(console)/…/page.tsx`) and its URL with the dynamic segments left in (`/t/[tenant]/keys`). */
export type ConsolePage = { file: string; route: string };

export type ConsoleVisit = {
  /** Where Keel listens, `http://127.0.0.1:3000`. */
  origin: string;
  appDir: string;
  email: string;
  password: string;
  /**
   * A value for each dynamic segment of the pages' routes: `{ tenant: "bench", endpointId: "…" }`,
   * and the query string a route needs under `?<route>` (a comparison page names what it compares).
   */
  params: Record<string, string>;
  passes: number;
};

/** Every page in app/(console), found in the folder rather than listed, so a new screen is rendered too. */
export function findConsolePages(appDir: string): ConsolePage[] {
  const pages: ConsolePage[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // `_components` and the like are private folders, never routes; `(group)` adds no segment.
        if (entry.name.startsWith("_")) continue;
        walk(full, /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name]);
      } else if (/^page\.[jt]sx?$/.test(entry.name)) {
        pages.push({ file: path.relative(path.dirname(appDir), full), route: `/${segments.join("/")}` });
      }
    }
  };
  walk(path.join(appDir, "(console)"), []);
  return pages.sort((a, b) => a.route.localeCompare(b.route));
}

/** The cookies Keel sets, kept as a browser keeps them for one origin (names and values are enough here). */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    take(setCookie: string | string[] | undefined) {
      for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
        const pair = line.split(";")[0];
        const eq = pair.indexOf("=");
        if (eq < 1) continue;
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (value === "" || /;\s*max-age=0\b/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
    },
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
  };
}

type Jar = ReturnType<typeof cookieJar>;

async function send(url: string, jar: Jar, init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(url, { method: init.method ?? "GET", headers: { ...init.headers, cookie: jar.header() }, body: init.body });
  jar.take(res.headers["set-cookie"]);
  const text = await res.body.text();
  return { status: res.statusCode, location: res.headers.location, text };
}

const snippet = (text: string) => text.replace(/\s+/g, " ").slice(0, 160);

/** The answer's JSON, or an empty object when it is not JSON (the caller then reports the text). */
function json<T>(text: string): Partial<T> {
  try {
    return (JSON.parse(text) ?? {}) as Partial<T>;
  } catch {
    return {};
  }
}

/**
 * Signs in with next-auth's credentials flow as the sign-in form does: a CSRF token and its
 * cookie, then the form post to the `password` provider (lib/auth/options.ts), then the session.
 */
async function signIn(origin: string, jar: Jar, email: string, password: string): Promise<void> {
  const csrf = await send(`${origin}/api/auth/csrf`, jar);
  const { csrfToken } = json<{ csrfToken: unknown }>(csrf.text);
  if (typeof csrfToken !== "string") throw new Error(`console sign-in: /api/auth/csrf answered HTTP ${csrf.status}: ${snippet(csrf.text)}`);

  // `json=true` makes next-auth answer with the redirect's URL instead of following it.
  const posted = await send(`${origin}/api/auth/callback/password`, jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  const { url: landing } = json<{ url: string }>(posted.text);
  const refusal = typeof landing === "string" ? new URL(landing, origin).searchParams.get("error") : `no redirect URL in the answer: ${snippet(posted.text)}`;
  if (refusal) throw new Error(`console sign-in as ${email} failed (HTTP ${posted.status}): ${refusal}`);

  const session = await send(`${origin}/api/auth/session`, jar);
  const { user } = json<{ user: { email?: string } }>(session.text);
  if (session.status !== 200 || user?.email !== email) throw new Error(`console sign-in as ${email}: /api/auth/session has no such user (HTTP ${session.status}): ${snippet(session.text)}`);
}

/** The page's URL path with its dynamic segments filled in from `params`. */
function pathOf(page: ConsolePage, params: Record<string, string>): string {
  const query = params[`?${page.route}`];
  return page.route.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new Error(`console page ${page.file} needs a value for [${name}]: add one to the params scripts/bench-gateway.ts passes to renderConsolePages`);
    }
    return encodeURIComponent(value);
  }) + (query ? `?${query}` : "");
}

/**
 * Signs in and renders every console page `passes` times, one page at a time as a person clicks
 * through; each must answer 200. Returns the pages and how long the rendering took.
 */
export async function renderConsolePages(opts: ConsoleVisit): Promise<{ pages: ConsolePage[]; renders: number; ms: number }> {
  const pages = findConsolePages(opts.appDir);
  if (pages.length === 0) throw new Error(`no console pages found under ${path.join(opts.appDir, "(console)")}`);
  const paths = pages.map((page) => pathOf(page, opts.params));
  const jar = cookieJar();
  await signIn(opts.origin, jar, opts.email, opts.password);
  const started = performance.now();
  for (let pass = 1; pass <= opts.passes; pass++) {
    for (const [i, page] of pages.entries()) {
      const res = await send(opts.origin + paths[i], jar, { headers: { accept: "text/html,application/xhtml+xml" } });
      if (res.status !== 200) {
        const where = res.location ? ` (redirect to ${res.location})` : `: ${snippet(res.text)}`;
        throw new Error(`console page ${paths[i]} (${page.file}) answered HTTP ${res.status} on pass ${pass}${where}`);
      }
    }
  }
  return { pages, renders: pages.length * opts.passes, ms: performance.now() - started };
}

/**
 * Renders console pages one after another at `perSecond` until `stop()`, as people using the
 * console while applications call the gateway; resolves once signed in. `stop()` tells how many
 * pages were rendered and how many did not answer 200.
 */
export async function browseConsole(opts: Omit<ConsoleVisit, "passes"> & { perSecond: number }) {
  const pages = findConsolePages(opts.appDir);
  const paths = pages.map((page) => pathOf(page, opts.params));
  const jar = cookieJar();
  await signIn(opts.origin, jar, opts.email, opts.password);
  let stopped = false;
  let renders = 0;
  let failures = 0;
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const res = await send(opts.origin + paths[renders % paths.length], jar, { headers: { accept: "text/html,application/xhtml+xml" } });
      renders++;
      if (res.status !== 200) failures++;
      const due = started + (renders * 1000) / opts.perSecond - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { renders, failures };
    },
  };
}
