import { db } from "@/lib/db/client";
import { verifyPassword } from "./password";
import { recordSignInAttempt, signInLockedFor } from "./throttle";

export type SignedInUser = { id: string; email: string; name: string | null; sessionVersion: number };

/** Thrown for a refused sign-in; its message is shown on the sign-in page. */
export class SignInError extends Error {}

const GENERIC = "Email or password is incorrect.";

/** Checks a password sign-in, throttling repeated failures per email and per IP. */
export async function signInWithPassword(emailRaw: string, password: string, ip: string | null): Promise<SignedInUser> {
  const email = emailRaw.trim().toLowerCase();
  if (!email || !password) throw new SignInError("Enter your email and password.");
  const prisma = db();
  const locked = await signInLockedFor(prisma, email, ip);
  if (locked > 0) {
    throw new SignInError(`Too many failed sign-ins. Try again in ${locked} minute${locked === 1 ? "" : "s"}.`);
  }
  const user = await prisma.user.findUnique({ where: { email } });
  const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : false;
  await recordSignInAttempt(prisma, email, ip, ok);
  if (!user || !ok) throw new SignInError(GENERIC);
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
