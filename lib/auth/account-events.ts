import { AsyncLocalStorage } from "node:async_hooks";
import type { PrismaClient, Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
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

/** As long as an email address may be: longer sign-in input is refused, and a longer record cut. */
export const MAX_EMAIL_LENGTH = 320;

export type AccountEventInput = { kind: AccountEventKind; userId: string | null; email: string; method?: "password" | "oidc" };

/** Appends to an account's history. Nothing a person typed as a password ever reaches it. */
export async function recordAccountEvent(prisma: PrismaClient | Tx, event: AccountEventInput, origin: AccountOrigin = accountOrigin()) {
  await prisma.accountEvent.create({
    data: { kind: event.kind, userId: event.userId, email: event.email.slice(0, MAX_EMAIL_LENGTH), method: event.method ?? null, ip: origin.ip, userAgent: origin.userAgent },
  });
}

/**
 * Events that anyone can repeat at will (a replayed sign-out request, a refused single sign-on
 * looped through a provider that remembers its user) are written once in this long: the record
 * says it happened without letting one client grow the table a row per request.
 */
export const REPEAT_WINDOW_MS = 60_000;

/** Whether an event like this one is already on record from the last REPEAT_WINDOW_MS. */
async function recentlyRecorded(prisma: PrismaClient, like: Prisma.AccountEventWhereInput): Promise<boolean> {
  const since = new Date(Date.now() - REPEAT_WINDOW_MS);
  return (await prisma.accountEvent.findFirst({ where: { ...like, createdAt: { gte: since } }, select: { id: true } })) !== null;
}

/**
 * A sign-out, as next-auth reports it with the session's token. Only a session that was still
 * current is on record: one already ended (signed out everywhere, a password change) ends nothing
 * now. A sign-out from the same address within REPEAT_WINDOW_MS is the same one, sent again.
 */
export async function recordSignOut(prisma: PrismaClient, token: Record<string, unknown> | null | undefined, origin: AccountOrigin = accountOrigin()) {
  if (typeof token?.uid !== "string") return;
  const user = await prisma.user.findUnique({ where: { id: token.uid }, select: { id: true, email: true, sessionVersion: true } });
  if (!user || user.sessionVersion !== token.sv) return;
  if (await recentlyRecorded(prisma, { userId: user.id, kind: "SIGN_OUT", ip: origin.ip })) return;
  await recordAccountEvent(prisma, { kind: "SIGN_OUT", userId: user.id, email: user.email }, origin);
}

/**
 * A single sign-on that Keel refused (an identity it does not know, an unverified email, another
 * provider account with a linked person's email): by the provider's email, or its `sub` when it
 * sends none, once per identity in REPEAT_WINDOW_MS. Unlike a password guess nothing throttles
 * it, and a provider anyone can join would otherwise let anyone write a row per round trip.
 */
export async function recordRefusedSingleSignOn(prisma: PrismaClient, claims: { sub?: unknown; email?: unknown }, origin: AccountOrigin = accountOrigin()) {
  const email = (typeof claims.email === "string" ? claims.email.trim().toLowerCase() : `sub:${String(claims.sub ?? "")}`).slice(0, MAX_EMAIL_LENGTH);
  if (await recentlyRecorded(prisma, { email, kind: "SIGN_IN_FAILED", method: "oidc" })) return;
  // As a failed password is, it is on the record of the account whose email it named.
  const named = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  await recordAccountEvent(prisma, { kind: "SIGN_IN_FAILED", userId: named?.id ?? null, email, method: "oidc" }, origin);
}

/** The kinds a person reads, in their words. */
export const ACCOUNT_EVENT_LABELS: Record<AccountEventKind, string> = {
  SIGN_IN: "Signed in",
  SIGN_IN_FAILED: "Failed sign-in",
  SIGN_OUT: "Signed out",
  SIGNED_OUT_EVERYWHERE: "Signed out everywhere",
  PASSWORD_CHANGED: "Password changed",
};
