import { expect, type APIRequestContext } from "@playwright/test";
import type { SignIn } from "./keel-process";

/** The sign-ins Keel printed when the test server first started. */
export function printedSignIn(role: string): SignIn {
  const all: SignIn[] = JSON.parse(process.env.KEEL_E2E_SIGN_INS ?? "[]");
  const found = all.find((s) => s.role === role);
  if (!found) throw new Error(`Keel printed no sign-in for ${role}`);
  return found;
}

/** Signs in through the auth endpoint (not the form), sharing the page's cookies. */
export async function signIn(request: APIRequestContext, baseURL: string, email: string, password: string) {
  const { csrfToken } = await (await request.get(`${baseURL}/api/auth/csrf`)).json();
  const res = await request.post(`${baseURL}/api/auth/callback/password`, {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get(`${baseURL}/api/auth/session`)).json();
  expect(session?.user?.email).toBe(email);
}
