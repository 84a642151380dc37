import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { TEST_PASSWORD, callerFor, seedMember, seedTenant, seedUser, unique } from "@/lib/testing/factories";
import { listAccountEventsForAdmin, recentAccountEvents } from "./account-data";
import { withAccountOrigin } from "./account-events";
import { changePassword, signOutEverywhere } from "./actions";
import { authOptions } from "./options";
import { signInWithPassword } from "./sign-in";
import { SIGN_IN_POLICY, throttleKeys } from "./throttle";

useTestDatabase();

const NEW_PASSWORD = "a-new-password-of-mine";
const from = (ip: string, userAgent = "attacker/1") => new Headers({ "x-forwarded-for": ip, "user-agent": userAgent });
const signOut = (token: Record<string, unknown>, ip = "198.51.100.40") =>
  withAccountOrigin(from(ip), () => authOptions.events!.signOut!({ token, session: null } as never));
const failSingleSignOn = (profile: Record<string, unknown>, ip = "198.51.100.41") =>
  withAccountOrigin(from(ip), () =>
    authOptions.callbacks!.signIn!({ account: { provider: "oidc", type: "oauth", providerAccountId: String(profile.sub) }, profile, user: { id: String(profile.sub) } } as never),
  );
const count = (where: Parameters<ReturnType<typeof db>["accountEvent"]["count"]>[0]) => db().accountEvent.count(where);

describe("account events, as an attacker", () => {
  it("a sign-out with a session that had already ended (sign out everywhere) is not on record", async () => {
    const user = await seedUser();
    const old = { uid: user.id, sv: user.sessionVersion, email: user.email };
    expect((await signOutEverywhere.runAs(callerFor(user), {})).ok).toBe(true);
    await signOut(old);
    expect(await count({ where: { userId: user.id, kind: "SIGN_OUT" } })).toBe(0);
  });

  it("replaying one sign-out request does not flood the table: one event per address in the window", async () => {
    const user = await seedUser();
    const token = { uid: user.id, sv: user.sessionVersion, email: user.email };
    for (let i = 0; i < 20; i++) await signOut(token);
    expect(await count({ where: { userId: user.id, kind: "SIGN_OUT" } })).toBe(1);
    // Another device, elsewhere, signing out is its own event.
    await signOut(token, "198.51.100.99");
    expect(await count({ where: { userId: user.id, kind: "SIGN_OUT" } })).toBe(2);
  });

  it("a sign-out token naming no Keel session writes nothing", async () => {
    const before = await count({ where: { kind: "SIGN_OUT" } });
    await signOut({ sub: "someone", email: "x@example.test" });
    await signOut({ uid: `nobody-${unique()}`, sv: 0 });
    expect(await count({ where: { kind: "SIGN_OUT" } })).toBe(before);
  });

  it("a looped single sign-on that Keel refuses (an identity it does not know) is recorded once per identity in the window", async () => {
    const email = `stranger-${unique()}@example.test`;
    for (let i = 0; i < 20; i++) {
      expect(await failSingleSignOn({ sub: `idp|${email}`, email, email_verified: true })).toMatch(/^\/sign-in\?error=/);
    }
    expect(await count({ where: { email, kind: "SIGN_IN_FAILED", method: "oidc" } })).toBe(1);
    const other = `stranger-${unique()}@example.test`;
    await failSingleSignOn({ sub: `idp|${other}`, email: other, email_verified: true });
    expect(await count({ where: { email: other, kind: "SIGN_IN_FAILED", method: "oidc" } })).toBe(1);
    // A long email or sub is cut, never stored whole.
    const long = `sub-${"x".repeat(5000)}`;
    await failSingleSignOn({ sub: long });
    const row = await db().accountEvent.findFirstOrThrow({ where: { email: { startsWith: "sub:sub-xxx" } } });
    expect(row.email.length).toBeLessThanOrEqual(320);
  });

  it("a refused single sign-on naming a person's email is on that person's record, as a failed password is", async () => {
    const user = await seedUser();
    await db().user.update({ where: { id: user.id }, data: { oidcSubject: `idp|${unique()}` } });
    await failSingleSignOn({ sub: `idp|other-${unique()}`, email: user.email.toUpperCase(), email_verified: true });
    expect((await recentAccountEvents(user.id)).map((e) => [e.kind, e.method, e.ip])).toEqual([["SIGN_IN_FAILED", "oidc", "198.51.100.41"]]);
  });

  it("a password typed into the email field of a failed sign-in is not stored as the email", async () => {
    const secret = `Tr0ub4dor&3-${unique()}`;
    await expect(signInWithPassword(secret, "whatever-was-in-the-password-field", "198.51.100.42")).rejects.toThrow();
    const pAt = `p@ssw0rd-${unique()}`;
    await expect(signInWithPassword(pAt, "whatever-was-in-the-password-field", "198.51.100.42")).rejects.toThrow();
    const everything = JSON.stringify(await db().accountEvent.findMany());
    expect(everything).not.toContain(secret.toLowerCase());
    expect(everything).not.toContain(pAt.toLowerCase());
    // A typed email with no account is still on record for the admin, as typed.
    const typo = `nobody-${unique()}@example.test`;
    await expect(signInWithPassword(typo, "a-guess-for-a-typo", "198.51.100.42")).rejects.toThrow();
    expect(await count({ where: { email: typo, kind: "SIGN_IN_FAILED" } })).toBe(1);
  });
});

describe("the admin's sign-in list", () => {
  it("a page number from a URL too large for the query's offset answers an empty page, not an error", async () => {
    const r = await listAccountEventsForAdmin({ isPlatformAdmin: true }, { page: 1e22, pageSize: 50, dir: "desc" });
    expect(r.rows).toEqual([]);
  });

  it("is the platform admin's alone, and a person's own list holds only their own events", async () => {
    await expect(listAccountEventsForAdmin({ isPlatformAdmin: false }, { page: 1, pageSize: 50, dir: "desc" })).rejects.toThrow(/only platform admins/);
    const me = await seedUser();
    const someone = await seedUser();
    await expect(signInWithPassword(someone.email, "a-wrong-guess-here", "198.51.100.43")).rejects.toThrow();
    await signInWithPassword(me.email, TEST_PASSWORD, "198.51.100.43");
    expect((await recentAccountEvents(me.id)).map((e) => e.email)).toEqual([me.email]);
  });
});

describe("password change, as an attacker", () => {
  it("parallel wrong guesses from a stolen session: no more than the free attempts are compared", async () => {
    const user = await seedUser();
    const n = SIGN_IN_POLICY.pair.freeAttempts + 5;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => changePassword.runAs(callerFor(user), { current: `wrong-${i}`, password: NEW_PASSWORD, confirm: NEW_PASSWORD })),
    );
    const compared = results.filter((r) => !r.ok && /current password is not right/.test(r.error)).length;
    const throttled = results.filter((r) => !r.ok && /^Too many failed sign-ins/.test(r.error)).length;
    expect(compared).toBe(SIGN_IN_POLICY.pair.freeAttempts);
    expect(throttled).toBe(n - compared);
    const pair = await db().signInThrottle.findUniqueOrThrow({ where: { key: throttleKeys(user.email, "203.0.113.7").pair } });
    expect(pair.failures).toBe(SIGN_IN_POLICY.pair.freeAttempts);
  });

  it("changes only the caller's own password, whatever other ids or emails the input names", async () => {
    const victim = await seedUser();
    const attacker = await seedUser();
    const r = await changePassword.runAs(callerFor(attacker), {
      current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD, userId: victim.id, id: victim.id, email: victim.email,
    });
    expect(r.ok).toBe(true);
    const v = await db().user.findUniqueOrThrow({ where: { id: victim.id } });
    expect(v).toMatchObject({ passwordHash: victim.passwordHash, sessionVersion: victim.sessionVersion });
    expect((await db().user.findUniqueOrThrow({ where: { id: attacker.id } })).passwordHash).not.toBe(attacker.passwordHash);
    expect(await changePassword.runAs(callerFor(null), { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).toMatchObject({
      ok: false, error: expect.stringMatching(/not signed in/),
    });
  });

  it("stores and audits no password typed, right or wrong", async () => {
    const tenant = await seedTenant();
    const user = await seedUser();
    await seedMember(tenant, "VIEWER", user);
    const wrong = `wrong-guess-${unique()}`;
    const fresh = `brand-new-password-${unique()}`;
    await changePassword.runAs(callerFor(user), { current: wrong, password: fresh, confirm: fresh });
    expect((await changePassword.runAs(callerFor(user), { current: TEST_PASSWORD, password: fresh, confirm: fresh })).ok).toBe(true);
    const stored = JSON.stringify([
      await db().accountEvent.findMany({ where: { userId: user.id } }),
      await db().auditEvent.findMany({ where: { tenantId: tenant.id } }),
      await db().signInThrottle.findMany(),
    ]);
    for (const p of [wrong, fresh, TEST_PASSWORD]) expect(stored).not.toContain(p);
  });
});
