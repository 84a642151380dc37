import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/client";
import { requestDetails, type Caller } from "@/lib/tenancy/caller";

/** The caller of the current server action or route, from the session cookie and the headers. */
export async function currentCaller(): Promise<Caller> {
  const h = await headers();
  const token = await getToken({
    req: { headers: Object.fromEntries(h.entries()), cookies: Object.fromEntries((await cookies()).getAll().map((c) => [c.name, c.value])) } as never,
    secret: process.env.NEXTAUTH_SECRET,
  });
  return {
    userId: typeof token?.uid === "string" ? token.uid : null,
    sessionVersion: typeof token?.sv === "number" ? token.sv : null,
    ...requestDetails(h),
  };
}

export type SessionUser = { id: string; email: string; name: string | null; isPlatformAdmin: boolean };

/** The signed-in user for a page, or null; a session from before "sign out everywhere" is refused. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const caller = await currentCaller();
  if (!caller.userId) return null;
  const user = await db().user.findUnique({
    where: { id: caller.userId },
    select: { id: true, email: true, name: true, isPlatformAdmin: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== caller.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin };
});

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}
