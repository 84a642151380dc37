import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { TEST_PASSWORD, seedUser, unique } from "@/lib/testing/factories";
import { hashPassword } from "./password";
import { SIGN_IN_POLICY, throttleKeys } from "./throttle";
import { signInWithPassword } from "./sign-in";

useTestDatabase();

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh documentation address per call, in a /64 of its own, so tests do not share throttle keys. */
let nextHost = 0;
const address = () => `2001:db8:${(++nextHost).toString(16)}::1`;

async function outcome(p: Promise<unknown>): Promise<"signed-in" | "incorrect" | "throttled"> {
  try {
    await p;
    return "signed-in";
  } catch (error) {
    const message = (error as Error).message;
    if (message === "Email or password is incorrect.") return "incorrect";
    if (/^Too many failed sign-ins\. Try again in \d+ (seconds?|minutes)\.$/.test(message)) return "throttled";
    throw error;
  }
}

describe("password sign-in", () => {
  it("accepts the right password, case-insensitively on the email", async () => {
    const user = await seedUser();
    const signed = await signInWithPassword(user.email.toUpperCase(), TEST_PASSWORD, address());
    expect(signed.id).toBe(user.id);
  });

  it("says the same thing for an unknown email, a wrong password and a user without a password", async () => {
    const user = await seedUser();
    const invited = await seedUser({ password: false });
    const from = address();
    await expect(signInWithPassword(user.email, "wrong-password", from)).rejects.toThrow("Email or password is incorrect.");
    await expect(signInWithPassword("nobody@example.test", "wrong-password", from)).rejects.toThrow("Email or password is incorrect.");
    await expect(signInWithPassword(invited.email, "", from)).rejects.toThrow("Enter your email and password.");
    await expect(signInWithPassword(invited.email, "anything-at-all", from)).rejects.toThrow("Email or password is incorrect.");
  });

  it("lets 20 parallel wrong guesses compare no more passwords than the free attempts", async () => {
    const user = await seedUser();
    const from = address();
    const compare = vi.spyOn(bcrypt, "compare");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(signInWithPassword(user.email, `wrong-${i}`, from))));
    const compared = results.filter((r) => r === "incorrect").length;
    console.log(`[sign-in race] 20 parallel guesses: ${compared} compared, ${results.length - compared} refused by the throttle`);
    expect(compared).toBeLessThanOrEqual(SIGN_IN_POLICY.pair.freeAttempts);
    // ...and no fewer: within the free attempts nobody waits, however the claims interleave.
    expect(compared).toBe(SIGN_IN_POLICY.pair.freeAttempts);
    expect(results.filter((r) => r === "throttled")).toHaveLength(20 - compared);
    expect(compare).toHaveBeenCalledTimes(compared);
    // Only compared attempts are history, and none of them stores what was typed.
    const history = await db().accountEvent.findMany({ where: { email: user.email } });
    expect(history).toHaveLength(compared);
    expect(JSON.stringify(history)).not.toMatch(/wrong-/);
    // The right password from the same address is throttled too: the guesser's budget is spent.
    expect(await outcome(signInWithPassword(user.email, TEST_PASSWORD, from))).toBe("throttled");
  });

  it("lets the real user in from another address after a stranger's failures", async () => {
    const user = await seedUser();
    const stranger = address();
    for (let i = 0; i < SIGN_IN_POLICY.pair.freeAttempts + 3; i++) await outcome(signInWithPassword(user.email, `guess-${i}`, stranger));
    expect(await outcome(signInWithPassword(user.email, TEST_PASSWORD, stranger))).toBe("throttled");
    expect((await signInWithPassword(user.email, TEST_PASSWORD, address())).id).toBe(user.id);
  });

  it("slows a guess spread over many addresses, but not the real user at an address they signed in from", async () => {
    const user = await seedUser();
    const home = address();
    await signInWithPassword(user.email, TEST_PASSWORD, home);
    // A botnet: each address stays within its own free attempts, together they pass the email's.
    const perAddress = SIGN_IN_POLICY.pair.freeAttempts;
    const addresses = Math.ceil(SIGN_IN_POLICY.email.freeAttempts / perAddress) + 1;
    let last = "";
    for (let a = 0; a < addresses; a++) {
      const from = address();
      for (let i = 0; i < perAddress; i++) last = await outcome(signInWithPassword(user.email, `spray-${a}-${i}`, from));
    }
    expect(last).toBe("throttled");
    const email = await db().signInThrottle.findUniqueOrThrow({ where: { key: throttleKeys(user.email, "x").email } });
    expect(email.failures).toBeGreaterThanOrEqual(SIGN_IN_POLICY.email.freeAttempts);
    // A new address (a new guesser, or the real user on a new device) waits for the email's delay...
    expect(await outcome(signInWithPassword(user.email, TEST_PASSWORD, address()))).toBe("throttled");
    // ...the real user at home does not.
    expect((await signInWithPassword(user.email, TEST_PASSWORD, home)).id).toBe(user.id);
  });

  it("throttles one address guessing across many emails, and no other address", async () => {
    const sprayer = address();
    for (let i = 0; i < SIGN_IN_POLICY.address.freeAttempts; i++) {
      expect(await outcome(signInWithPassword(`guess-${i}-${unique()}@example.test`, "wrong", sprayer))).toBe("incorrect");
    }
    const user = await seedUser();
    expect(await outcome(signInWithPassword(user.email, TEST_PASSWORD, sprayer))).toBe("throttled");
    expect((await signInWithPassword(user.email, TEST_PASSWORD, address())).id).toBe(user.id);
  });

  it("counts an IPv6 address by its /64: a sprayer rotating addresses within it gains nothing", async () => {
    const block = address().replace(/::1$/, "");
    for (let i = 0; i < SIGN_IN_POLICY.address.freeAttempts; i++) {
      expect(await outcome(signInWithPassword(`spray-${i}-${unique()}@example.test`, "wrong", `${block}:0:${(i + 1).toString(16)}::${i}`))).toBe("incorrect");
    }
    expect(await outcome(signInWithPassword(`spray-last-${unique()}@example.test`, "wrong", `${block}::beef`))).toBe("throttled");
  });

  it("keeps a made-up email's failures away from the real user's own budget", async () => {
    const user = await seedUser();
    const home = address();
    // Failing as the email "<victim>|<their address>" from many addresses must not touch (victim, address).
    for (let i = 0; i < SIGN_IN_POLICY.pair.freeAttempts + 2; i++) await outcome(signInWithPassword(`${user.email}|${home}`, "wrong", address()));
    expect((await signInWithPassword(user.email, TEST_PASSWORD, home)).id).toBe(user.id);
  });

  it("forgets the pair's failures after a success, and gives back the wider keys' claims", async () => {
    const user = await seedUser();
    const from = address();
    const keys = throttleKeys(user.email, from);
    for (let i = 0; i < SIGN_IN_POLICY.pair.freeAttempts - 1; i++) await outcome(signInWithPassword(user.email, `typo-${i}`, from));
    expect((await signInWithPassword(user.email, TEST_PASSWORD, from)).id).toBe(user.id);
    expect(await db().signInThrottle.findUnique({ where: { key: keys.pair } })).toBeNull();
    const wider = await db().signInThrottle.findUniqueOrThrow({ where: { key: keys.address } });
    expect(wider.failures).toBe(SIGN_IN_POLICY.pair.freeAttempts - 1);
    // Back to a full budget: as many typos again, then still in.
    for (let i = 0; i < SIGN_IN_POLICY.pair.freeAttempts - 1; i++) expect(await outcome(signInWithPassword(user.email, `typo-${i}`, from))).toBe("incorrect");
    expect((await signInWithPassword(user.email, TEST_PASSWORD, from)).id).toBe(user.id);
  });

  it("compares an unknown email against a hash of the real cost (and reports the times)", async () => {
    const known = await seedUser();
    await db().user.update({ where: { id: known.id }, data: { passwordHash: await hashPassword(TEST_PASSWORD) } });
    const realCost = bcrypt.getRounds((await db().user.findUniqueOrThrow({ where: { id: known.id } })).passwordHash!);
    const compare = vi.spyOn(bcrypt, "compare");
    const times = { known: [] as number[], unknown: [] as number[] };
    await outcome(signInWithPassword("warm-up@example.test", "wrong", address()));
    compare.mockClear();
    const tries = 20;
    for (let i = 0; i < tries; i++) {
      for (const kind of ["known", "unknown"] as const) {
        const email = kind === "known" ? known.email : `nobody-${unique()}@example.test`;
        const started = performance.now();
        expect(await outcome(signInWithPassword(email, `wrong-${i}`, address()))).toBe("incorrect");
        times[kind].push(performance.now() - started);
      }
    }
    // Every refusal compared once, the unknown ones against a hash of the same cost.
    expect(compare).toHaveBeenCalledTimes(2 * tries);
    const hashes = compare.mock.calls.map((call) => String(call[1]));
    expect(new Set(hashes.map((h) => bcrypt.getRounds(h)))).toEqual(new Set([realCost]));
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: sorted[Math.floor(sorted.length / 2)] };
    };
    const k = stats(times.known);
    const u = stats(times.unknown);
    console.log(
      `[sign-in timing] ${tries} tries each, bcrypt cost ${realCost}: known email mean ${k.mean.toFixed(1)} ms (median ${k.median.toFixed(1)}), ` +
        `unknown email mean ${u.mean.toFixed(1)} ms (median ${u.median.toFixed(1)})`,
    );
  });
});
