import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { TEST_PASSWORD, callerFor, seedMember, seedTenant, seedUser } from "@/lib/testing/factories";
import { listAccountEventsForAdmin, recentAccountEvents } from "./account-data";
import { changePassword, signOutEverywhere } from "./actions";
import { signInWithPassword } from "./sign-in";
import { SIGN_IN_POLICY, throttleKeys } from "./throttle";

useTestDatabase();

const NEW_PASSWORD = "a-new-password-of-mine";
const kinds = async (userId: string) => (await recentAccountEvents(userId)).map((e) => e.kind);

describe("account events", () => {
  it("records sign-ins and failed ones with the address and browser, and never the password tried", async () => {
    const user = await seedUser();
    await signInWithPassword(user.email, TEST_PASSWORD, "198.51.100.20", "Firefox/140");
    await expect(signInWithPassword(user.email, "my-secret-guess-123", "198.51.100.21", "curl/8")).rejects.toThrow();
    await expect(signInWithPassword(`nobody-${user.id}@example.test`, "another-secret-guess", "198.51.100.21", "curl/8")).rejects.toThrow();
    const own = await recentAccountEvents(user.id);
    expect(own.map((e) => [e.kind, e.ip, e.userAgent, e.method])).toEqual([
      ["SIGN_IN_FAILED", "198.51.100.21", "curl/8", "password"],
      ["SIGN_IN", "198.51.100.20", "Firefox/140", "password"],
    ]);
    // An unknown email's failure is on record for the admin, tied to no account.
    const unknown = await db().accountEvent.findFirstOrThrow({ where: { email: `nobody-${user.id}@example.test` } });
    expect(unknown).toMatchObject({ kind: "SIGN_IN_FAILED", userId: null });
    const everything = JSON.stringify(await db().accountEvent.findMany());
    expect(everything).not.toContain("my-secret-guess-123");
    expect(everything).not.toContain("another-secret-guess");
  });

  it("changes a password given the current one: every session ends, and it is on record in the account and in each tenant", async () => {
    const tenant = await seedTenant();
    const user = await seedUser();
    await seedMember(tenant, "VIEWER", user);
    const r = await changePassword.runAs(callerFor(user), { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(r).toEqual({ ok: true, data: { changed: true } });
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    await expect(signInWithPassword(user.email, TEST_PASSWORD, "198.51.100.30")).rejects.toThrow("Email or password is incorrect.");
    expect((await signInWithPassword(user.email, NEW_PASSWORD, "198.51.100.30")).id).toBe(user.id);
    expect(await kinds(user.id)).toEqual(["SIGN_IN", "SIGN_IN_FAILED", "PASSWORD_CHANGED"]);
    const audited = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "user.password_changed" } });
    expect(audited).toMatchObject({ actorId: user.id, resourceId: user.id, ip: "203.0.113.7" });
    // The old session can change nothing now.
    const stale = await changePassword.runAs(callerFor(user), { current: NEW_PASSWORD, password: "yet-another-password", confirm: "yet-another-password" });
    expect(stale).toMatchObject({ ok: false, error: expect.stringMatching(/session has ended/) });
  });

  it("refuses a wrong current password, changes nothing, and counts the guess against the sign-in throttle", async () => {
    const user = await seedUser();
    const before = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    const guess = (current: string) => changePassword.runAs(callerFor(user), { current, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    for (let i = 0; i < SIGN_IN_POLICY.pair.freeAttempts; i++) {
      expect(await guess(`wrong-${i}`)).toMatchObject({ ok: false, error: expect.stringMatching(/current password is not right/), fieldErrors: { current: expect.any(Array) } });
    }
    // A stolen session cannot keep guessing: even the right password now waits.
    expect(await guess(TEST_PASSWORD)).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many failed sign-ins/) });
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    const pair = await db().signInThrottle.findUniqueOrThrow({ where: { key: throttleKeys(user.email, "203.0.113.7").pair } });
    expect(pair.failures).toBe(SIGN_IN_POLICY.pair.freeAttempts);
    expect(await kinds(user.id)).toEqual([]);
  });

  it("checks the new password: long enough, typed twice the same, and not the current one", async () => {
    const user = await seedUser();
    const r = await changePassword.runAs(callerFor(user), { current: TEST_PASSWORD, password: "short", confirm: "shorter" });
    expect(r).toMatchObject({ ok: false, fieldErrors: { password: [expect.stringMatching(/at least 12/)], confirm: ["Passwords do not match"] } });
    const same = await changePassword.runAs(callerFor(user), { current: TEST_PASSWORD, password: TEST_PASSWORD, confirm: TEST_PASSWORD });
    expect(same).toMatchObject({ ok: false, fieldErrors: { password: [expect.stringMatching(/other than the current/)] } });
    const sso = await seedUser({ password: false });
    expect(await changePassword.runAs(callerFor(sso), { current: "anything-at-all", password: NEW_PASSWORD, confirm: NEW_PASSWORD })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/single sign-on/),
    });
  });

  it("records sign out everywhere with where it was asked from", async () => {
    const user = await seedUser();
    expect((await signOutEverywhere.runAs(callerFor(user), {})).ok).toBe(true);
    const [event] = await recentAccountEvents(user.id);
    expect(event).toMatchObject({ kind: "SIGNED_OUT_EVERYWHERE", ip: "203.0.113.7", userAgent: "vitest" });
  });

  it("lists every account's events for the platform admin only, filtered in the database", async () => {
    const user = await seedUser();
    await expect(signInWithPassword(user.email, "wrong-password-here", "192.0.2.77")).rejects.toThrow();
    await expect(listAccountEventsForAdmin({ isPlatformAdmin: false }, { page: 1, pageSize: 10, dir: "desc" })).rejects.toThrow(/only platform admins/);
    const byEmail = await listAccountEventsForAdmin({ isPlatformAdmin: true }, { q: user.email.toUpperCase(), page: 1, pageSize: 10, dir: "desc" });
    expect(byEmail.rows.map((r) => r.email)).toEqual([user.email]);
    const byAddress = await listAccountEventsForAdmin({ isPlatformAdmin: true }, { q: "192.0.2.77", kind: "SIGN_IN_FAILED", page: 1, pageSize: 10, dir: "desc" });
    expect(byAddress.total).toBe(1);
    const noneOfThatKind = await listAccountEventsForAdmin({ isPlatformAdmin: true }, { q: "192.0.2.77", kind: "SIGN_IN", page: 1, pageSize: 10, dir: "desc" });
    expect(noneOfThatKind.total).toBe(0);
  });
});
