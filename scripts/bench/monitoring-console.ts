// The console pages `npm run bench:monitoring` times: signed in as the tenant's owner the way a
// browser is (the same next-auth credentials flow as console.ts, whose helpers render every page
// rather than time one), each page fetched whole, as HTML, and required to answer 200.
import { request } from "undici";

/** A signed-in browser for one origin: its cookies, and a GET that times a page. */
export type ConsoleSession = { get: (path: string) => Promise<{ status: number; bytes: number }> };

const snippet = (text: string) => text.replace(/\s+/g, " ").slice(0, 160);

/** Signs in (CSRF token, the `password` provider's form post, then the session) and returns the session. */
export async function signInToConsole(origin: string, email: string, password: string): Promise<ConsoleSession> {
  const cookies = new Map<string, string>();
  const send = async (path: string, init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string } = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await request(origin + path, { method: init.method ?? "GET", headers: { ...init.headers, cookie }, body: init.body });
    const set = res.headers["set-cookie"];
    for (const line of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
      const pair = line.split(";")[0];
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /;\s*max-age=0\b/i.test(line)) cookies.delete(pair.slice(0, eq).trim());
      else cookies.set(pair.slice(0, eq).trim(), value);
    }
    return { status: res.statusCode, location: res.headers.location, text: await res.body.text() };
  };
  const json = (text: string): Record<string, unknown> => {
    try {
      return (JSON.parse(text) ?? {}) as Record<string, unknown>;
    } catch {
      return {};
    }
  };

  const csrf = await send("/api/auth/csrf");
  const csrfToken = json(csrf.text).csrfToken;
  if (typeof csrfToken !== "string") throw new Error(`console sign-in: /api/auth/csrf answered HTTP ${csrf.status}: ${snippet(csrf.text)}`);
  // `json=true` makes next-auth answer with the redirect's URL instead of following it.
  const posted = await send("/api/auth/callback/password", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  const landing = json(posted.text).url;
  const refusal = typeof landing === "string" ? new URL(landing, origin).searchParams.get("error") : `no redirect URL in the answer: ${snippet(posted.text)}`;
  if (refusal) throw new Error(`console sign-in as ${email} failed (HTTP ${posted.status}): ${refusal}`);
  const session = await send("/api/auth/session");
  const user = json(session.text).user as { email?: string } | undefined;
  if (session.status !== 200 || user?.email !== email) throw new Error(`console sign-in as ${email}: no session (HTTP ${session.status}): ${snippet(session.text)}`);

  return {
    get: async (path) => {
      const res = await send(path, { headers: { accept: "text/html,application/xhtml+xml" } });
      if (res.status !== 200) throw new Error(`console page ${path} answered HTTP ${res.status}${res.location ? ` (redirect to ${res.location})` : `: ${snippet(res.text)}`}`);
      return { status: res.status, bytes: Buffer.byteLength(res.text) };
    },
  };
}
