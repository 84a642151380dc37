/** The origin Keel is served at, as server.ts settles it from the configuration. */
export function publicOrigin(fallback = "http://localhost:3000"): string {
  const configured = process.env.KEEL_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? fallback;
  try {
    return new URL(configured).origin;
  } catch {
    return new URL(fallback).origin;
  }
}

/**
 * Where to go after signing in: the path of `raw` when it is on `origin`, else "/". Parsed as a
 * browser would parse it, because string checks miss forms such as `/\evil.example` (a browser
 * reads the backslash as a slash, so it is `//evil.example`, another host).
 */
export function sameOriginPath(raw: unknown, origin: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return "/";
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  // A path such as "/.//evil.example" normalises to "//evil.example", which a browser would
  // again read as another host; one leading slash only.
  return `${url.pathname}${url.search}${url.hash}`.replace(/^\/+/, "/");
}
