/**
 * Every message the sign-in page may show, keyed by the codes next-auth and Keel put in
 * `?error=`. Safe for the client. Anything else maps to a generic message: the query string is
 * the visitor's (or a phisher's) to write, so its text is never shown.
 */
export const SIGN_IN_MESSAGES = {
  missing: "Enter your email and password.",
  incorrect: "Email or password is incorrect.",
  generic: "Sign-in did not work. Try again.",
} as const;

const BY_CODE: Record<string, string> = {
  CredentialsSignin: SIGN_IN_MESSAGES.incorrect,
  SessionRequired: "Sign in to continue.",
  NotInvited: "Single sign-on worked, but nobody has invited this email to Keel yet.",
  EmailNotVerified: "Your single sign-on provider has not verified this email address, so Keel cannot accept it.",
  AccountMismatch: "This email belongs to a Keel account linked to a different single sign-on identity. Ask your admin.",
  OAuthSignin: "Single sign-on could not start. Check the OIDC settings.",
  OAuthCallback: "Single sign-on failed on the way back.",
  OAuthCreateAccount: "Single sign-on failed on the way back.",
  Callback: "Single sign-on failed on the way back.",
  OAuthAccountNotLinked: "This email belongs to a Keel account linked to a different single sign-on identity. Ask your admin.",
  AccessDenied: "Keel refused this sign-in.",
  Configuration: "Sign-in is misconfigured on this server. Tell your admin.",
};

/** The throttle's refusal; its one variable part is a number Keel computed. */
export function tooManyAttempts(seconds: number): string {
  const wait = seconds < 120 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-ins. Try again in ${wait}.`;
}

const OWN_MESSAGES = new Set<string>([SIGN_IN_MESSAGES.missing, SIGN_IN_MESSAGES.incorrect]);
const TOO_MANY = /^Too many failed sign-ins\. Try again in \d{1,4} (seconds?|minutes)\.$/;

/**
 * The message for an error code or for a refusal the password sign-in raised (which next-auth
 * passes on as its text); a fixed generic message for anything else.
 */
export function signInErrorMessage(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  if (Object.hasOwn(BY_CODE, code)) return BY_CODE[code];
  if (OWN_MESSAGES.has(code) || TOO_MANY.test(code)) return code;
  return SIGN_IN_MESSAGES.generic;
}
