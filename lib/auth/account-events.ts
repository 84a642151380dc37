import { AsyncLocalStorage } from "node:async_hooks";
import type { PrismaClient, Tx } from "@/lib/db/client";
import type { AccountEventKind } from "@/lib/db/generated/enums";
import { requestDetails } from "@/lib/tenancy/caller";

/** Where an account event came from: the settled client address and the browser's user agent. */
export type AccountOrigin = { ip: string | null; userAgent: string | null };

const origins = new AsyncLocalStorage<AccountOrigin>();

/**
 * Runs one request of the auth routes with its origin at hand: next-auth's callbacks and events
 * (a single sign-on's sign-in, a sign-out) are not given the request, and their account events
 * must still say from where.
 */
export function withAccountOrigin<T>(headers: Headers, run: () => T): T {
  const { ip, userAgent } = requestDetails(headers);
  return origins.run({ ip, userAgent }, run);
}

/** The origin of the auth request being handled; unknown outside one (scripts, tests). */
export function accountOrigin(): AccountOrigin {
  return origins.getStore() ?? { ip: null, userAgent: null };
}

export type AccountEventInput = { kind: AccountEventKind; userId: string | null; email: string; method?: "password" | "oidc" };

/** Appends to an account's history. Nothing a person typed as a password ever reaches it. */
export async function recordAccountEvent(prisma: PrismaClient | Tx, event: AccountEventInput, origin: AccountOrigin = accountOrigin()) {
  await prisma.accountEvent.create({
    data: { kind: event.kind, userId: event.userId, email: event.email.slice(0, 320), method: event.method ?? null, ip: origin.ip, userAgent: origin.userAgent },
  });
}

/** The kinds a person reads, in their words. */
export const ACCOUNT_EVENT_LABELS: Record<AccountEventKind, string> = {
  SIGN_IN: "Signed in",
  SIGN_IN_FAILED: "Failed sign-in",
  SIGN_OUT: "Signed out",
  SIGNED_OUT_EVERYWHERE: "Signed out everywhere",
  PASSWORD_CHANGED: "Password changed",
};
