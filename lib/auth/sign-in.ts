import { db } from "@/lib/db/client";
import { dummyPasswordHash, verifyPassword } from "./password";
import { MAX_EMAIL_LENGTH, recordAccountEvent } from "./account-events";
import { claimSignInAttempt, settleSignInAttempt } from "./throttle";
import { SIGN_IN_MESSAGES, tooManyAttempts } from "./sign-in-messages";

export type SignedInUser = { id: string; email: string; name: string | null; sessionVersion: number };

/** Thrown for a refused sign-in; its message is shown on the sign-in page. */
export class SignInError extends Error {}

/** Stands in for a missing client address; server.ts always settles one, so only tests and scripts see it. */
const UNKNOWN_ADDRESS = "unknown";

/**
 * Checks a password sign-in. The attempt is claimed from the throttle before the password is
 * compared, and every refusal for a wrong password costs one bcrypt comparison, whether or not
 * the email has an account (or a password).
 */
export async function signInWithPassword(emailRaw: string, password: string, ip: string | null, userAgent: string | null = null): Promise<SignedInUser> {
  const email = emailRaw.trim().toLowerCase();
  if (!email || !password || email.length > MAX_EMAIL_LENGTH) throw new SignInError(SIGN_IN_MESSAGES.missing);
  const prisma = db();
  // Awaited on every path, so the one-time cost of making it cannot single out the first unknown email.
  const dummy = await dummyPasswordHash();
  const claim = await claimSignInAttempt(prisma, email, ip ?? UNKNOWN_ADDRESS);
  if (!claim.ok) throw new SignInError(tooManyAttempts(claim.retryAfterSeconds));
  const user = await prisma.user.findUnique({ where: { email } });
  const compared = await verifyPassword(password, user?.passwordHash ?? dummy);
  const ok = compared && !!user?.passwordHash;
  await settleSignInAttempt(prisma, claim, ok);
  // Only compared attempts are history (the throttle bounds them), and never the password tried.
  await recordAccountEvent(prisma, { kind: ok ? "SIGN_IN" : "SIGN_IN_FAILED", userId: user?.id ?? null, email: user ? email : asTyped(email), method: "password" }, { ip, userAgent });
  if (!user || !ok) throw new SignInError(SIGN_IN_MESSAGES.incorrect);
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}

/** What the record keeps of an email that has no account. */
const NOT_AN_EMAIL = "(not an email address)";

/**
 * An email with no account as typed, for the admin to see what is being tried, unless it does not
 * look like an address (something@domain.tld): that is most often a password typed into the
 * wrong field, and the record would show it to the platform admin.
 */
function asTyped(email: string): string {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : NOT_AN_EMAIL;
}
