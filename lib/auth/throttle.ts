import { Prisma } from "@/lib/db/generated/client";
import { addressKey } from "@/lib/net/client-address";
import type { PrismaClient, Tx } from "@/lib/db/client";

/** The throttle works on the client or inside a transaction (a password change checks the current one). */
type Db = PrismaClient | Tx;

type KeyPolicy = { freeAttempts: number; baseDelaySeconds: number; maxDelaySeconds: number };

/**
 * Password sign-in throttling. Every attempt is claimed before the password is compared, and a
 * success gives the claim back, so a key's `failures` counts unvindicated attempts. Past a key's
 * free attempts each further one must wait a doubling delay; nothing locks for good, so a stranger
 * cannot shut the real user out.
 */
export const SIGN_IN_POLICY = {
  /** One email from one address: the guesser's own budget; nobody else's failures touch it. */
  pair: { freeAttempts: 5, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
  /** One address across every email: stops one address spraying many emails. */
  address: { freeAttempts: 30, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
  /**
   * One email across every address, against a distributed guess. It is not applied to an
   * address that has signed in as this email before: that is how the real user, at home or at
   * the office, still gets in however many strangers fail elsewhere.
   */
  email: { freeAttempts: 50, baseDelaySeconds: 1, maxDelaySeconds: 5 * 60 },
  /** A key quiet for this long starts over (longer than any delay, so waiting it out is slow). */
  forgetAfterSeconds: 60 * 60,
  /** How far back a successful sign-in makes an address familiar for the email. */
  familiarForDays: 90,
} as const satisfies Record<string, unknown>;

type Claimed = { key: string; policy: KeyPolicy };
export type ThrottleClaim = { ok: true; claimed: Claimed[] } | { ok: false; retryAfterSeconds: number };

/**
 * The throttle keys of an attempt. The pair has a prefix of its own and a JSON body: as
 * `e:<email>|<address>` (the schema's sketch) it would equal the email key of the made-up email
 * `<email>|<address>`, and anyone could spend the real user's budget by failing as that email.
 * An IPv6 address counts by its /64 (see addressKey): one host can take any address in it.
 */
export function throttleKeys(email: string, address: string) {
  const from = addressKey(address);
  return { pair: `p:${JSON.stringify([email, from])}`, address: `a:${from}`, email: `e:${email}` };
}

/**
 * Claims one attempt for (email, address) on every key that applies, narrowest first. Each claim
 * is one statement that counts the attempt only if the key's wait is over, so parallel guesses
 * cannot all pass one check: the row lock orders them and each sees the others' counts.
 */
export async function claimSignInAttempt(prisma: Db, email: string, address: string): Promise<ThrottleClaim> {
  const keys = throttleKeys(email, address);
  const plan: Claimed[] = [
    { key: keys.pair, policy: SIGN_IN_POLICY.pair },
    { key: keys.address, policy: SIGN_IN_POLICY.address },
  ];
  if (!(await isFamiliarAddress(prisma, email, address))) plan.push({ key: keys.email, policy: SIGN_IN_POLICY.email });
  const claimed: Claimed[] = [];
  for (const step of plan) {
    if (!(await claimKey(prisma, step))) {
      // A refused attempt compares nothing, so it counts nowhere: the narrower claims go back.
      await giveBack(prisma, claimed);
      return { ok: false, retryAfterSeconds: await secondsUntilAllowed(prisma, step.key) };
    }
    claimed.push(step);
  }
  return { ok: true, claimed };
}

/**
 * After the comparison. A failure stays counted. A success forgets the pair's failures and gives
 * back its claim on the wider keys, so that many people signing in from one office address
 * never add up to a delay.
 */
export async function settleSignInAttempt(prisma: Db, claim: { claimed: Claimed[] }, succeeded: boolean): Promise<void> {
  if (!succeeded) return;
  const [pair, ...wider] = claim.claimed;
  await prisma.$executeRaw`DELETE FROM "SignInThrottle" WHERE "key" = ${pair.key}`;
  await giveBack(prisma, wider);
}

/**
 * Now, cut to the column's milliseconds: stored as is, a time rounded up to the next millisecond
 * is briefly in the future, and a claim in that instant would be refused although no wait was set.
 */
const moment = Prisma.sql`date_trunc('milliseconds', clock_timestamp())`;

/**
 * clock_timestamp(), not now(): now() is when the statement started, and a claim that waited on
 * the row lock would compare its earlier start with the winner's later time and be refused
 * within the free attempts (seen with 20 parallel guesses on the PostgreSQL server).
 */
async function claimKey(prisma: Db, { key, policy }: Claimed): Promise<boolean> {
  const forget = SIGN_IN_POLICY.forgetAfterSeconds;
  // The attempt number after this one; a key quiet for `forget` seconds starts over.
  const next = Prisma.sql`(CASE WHEN "SignInThrottle"."updatedAt" < clock_timestamp() - make_interval(secs => ${forget}) THEN 1 ELSE "SignInThrottle"."failures" + 1 END)`;
  const rows = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO "SignInThrottle" ("key", "failures", "nextAllowedAt", "updatedAt")
    VALUES (${key}, 1, ${moment} + ${delayAfter(Prisma.sql`1`, policy)}, clock_timestamp())
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = ${next},
      "nextAllowedAt" = ${moment} + ${delayAfter(next, policy)},
      "updatedAt" = clock_timestamp()
    WHERE "SignInThrottle"."nextAllowedAt" <= clock_timestamp()
    RETURNING "failures"`;
  return rows.length === 1;
}

/**
 * The wait after the n-th claimed attempt: none while n < free, so exactly `freeAttempts` pass
 * at once, then base·2^(n−free) capped (the exponent too, so a huge count cannot overflow).
 */
function delayAfter(n: Prisma.Sql, policy: KeyPolicy): Prisma.Sql {
  return Prisma.sql`make_interval(secs => CASE WHEN ${n} < ${policy.freeAttempts} THEN 0
    ELSE LEAST(${policy.maxDelaySeconds}::float8, ${policy.baseDelaySeconds}::float8 * power(2, LEAST(${n} - ${policy.freeAttempts}, 30))) END)`;
}

/** Undoes claims: one attempt fewer, and the wait no longer than that count calls for. */
async function giveBack(prisma: Db, claimed: Claimed[]): Promise<void> {
  for (const { key, policy } of claimed) {
    const fewer = Prisma.sql`GREATEST("failures" - 1, 0)`;
    await prisma.$executeRaw`
      UPDATE "SignInThrottle" SET "failures" = ${fewer},
        "nextAllowedAt" = LEAST("nextAllowedAt", ${moment} + ${delayAfter(fewer, policy)}), "updatedAt" = clock_timestamp()
      WHERE "key" = ${key}`;
  }
}

async function secondsUntilAllowed(prisma: Db, key: string): Promise<number> {
  const rows = await prisma.$queryRaw<{ wait: number }[]>`
    SELECT EXTRACT(EPOCH FROM ("nextAllowedAt" - clock_timestamp()))::float8 AS "wait" FROM "SignInThrottle" WHERE "key" = ${key}`;
  return Math.max(1, Math.ceil(rows[0]?.wait ?? 1));
}

async function isFamiliarAddress(prisma: Db, email: string, address: string): Promise<boolean> {
  const since = new Date(Date.now() - SIGN_IN_POLICY.familiarForDays * 86_400_000);
  const seen = await prisma.accountEvent.findFirst({ where: { email, ip: address, kind: "SIGN_IN", createdAt: { gte: since } }, select: { id: true } });
  return seen !== null;
}
