import { describe, expect, it } from "vitest";
import { acceptInvitation } from "@/lib/auth/actions";
import { linkOidcSignIn } from "@/lib/auth/oidc-link";
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant, seedUser, unique } from "@/lib/testing/factories";
import { inviteMember, removeMember } from "./actions";
import { createTenant } from "./admin-actions";
import { findOpenInvitation } from "./invitation-data";
import { hashToken } from "./invitations";

useTestDatabase();

const PASSWORD = "a-long-enough-password";
const redeem = (token: string, password = PASSWORD, name = "Someone") => acceptInvitation.runAs(callerFor(null), { token, name, password, confirm: password });
const tokenOf = (link: string | null) => link!.split("/invite/")[1];

/** Tenant A invites a new person: they exist without a password, holding A's link. */
async function pendingInviteeOfA() {
  const a = await seedTenant();
  const { user: ownerA } = await seedMember(a, "OWNER");
  const email = `pending-${unique()}@example.test`;
  const r = await inviteMember.runAs(callerFor(ownerA), { tenant: a.slug, email, role: "DEVELOPER" });
  if (!r.ok || !r.data.link) throw new Error(`setup: ${JSON.stringify(r)}`);
  const user = await db().user.findUniqueOrThrow({ where: { email } });
  return { a, user, token: tokenOf(r.data.link) };
}

/** Mallory owns tenant B and invites whatever email she likes. */
async function mallory() {
  const b = await seedTenant();
  const { user } = await seedMember(b, "OWNER");
  return { b, invite: (email: string) => inviteMember.runAs(callerFor(user), { tenant: b.slug, email, role: "VIEWER" }) };
}

async function openLinksOf(userId: string) {
  return db().invitation.count({ where: { userId, usedAt: null } });
}

describe("invitation links cannot take over accounts", () => {
  it("gives another tenant's owner no link for a user who is still pending elsewhere", async () => {
    const { user } = await pendingInviteeOfA();
    const { b, invite } = await mallory();
    const r = await invite(user.email);
    expect(r).toMatchObject({ ok: true, data: { link: null, newAccount: false } });
    expect(await db().membership.count({ where: { tenantId: b.id, userId: user.id } })).toBe(1);
    expect(await db().invitation.count({ where: { userId: user.id, tenantId: b.id } })).toBe(0);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
  });

  it("gives no link for a single-sign-on user without a password", async () => {
    const sso = await seedUser({ password: false });
    await db().user.update({ where: { id: sso.id }, data: { oidcSubject: `sub-${unique()}` } });
    const { invite } = await mallory();
    expect(await invite(sso.email)).toMatchObject({ ok: true, data: { link: null, newAccount: false } });
    expect(await db().invitation.count({ where: { userId: sso.id } })).toBe(0);
  });

  it("gives no link for a new tenant's first owner who has not accepted yet", async () => {
    const admin = await seedUser({ isPlatformAdmin: true });
    const ownerEmail = `first-owner-${unique()}@example.test`;
    const created = await createTenant.runAs(callerFor(admin), { name: "Initech", slug: `initech-${unique()}`, ownerEmail });
    expect(created).toMatchObject({ ok: true, data: { newAccount: true, link: expect.stringMatching(/\/invite\//) } });
    const { invite } = await mallory();
    expect(await invite(ownerEmail)).toMatchObject({ ok: true, data: { link: null, newAccount: false } });
    // Nor does a second tenant created for them hand out a link.
    const again = await createTenant.runAs(callerFor(admin), { name: "Initech 2", slug: `initech-${unique()}`, ownerEmail });
    expect(again).toMatchObject({ ok: true, data: { newAccount: false, link: null } });
  });

  it("redeems a link once: sets the password, bumps the session version, ends the user's other links", async () => {
    const { user, token } = await pendingInviteeOfA();
    // An earlier link that reached the same person some other way (another tenant, before this fix).
    const other = await seedTenant();
    const otherToken = `other-${unique()}-${"x".repeat(30)}`;
    await db().invitation.create({
      data: { tenantId: other.id, userId: user.id, tokenHash: hashToken(otherToken), expiresAt: new Date(Date.now() + 86_400_000), setsPassword: true },
    });
    expect(await findOpenInvitation(otherToken)).not.toBeNull();

    const r = await redeem(token, PASSWORD, "Pat Pending");
    expect(r).toMatchObject({ ok: true, data: { email: user.email } });
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect(after.name).toBe("Pat Pending");
    expect(await verifyPassword(PASSWORD, after.passwordHash!)).toBe(true);
    expect(await openLinksOf(user.id)).toBe(0);

    // Whoever kept either link can no longer change the password.
    for (const t of [token, otherToken]) {
      expect(await redeem(t, "the-attackers-password")).toMatchObject({ ok: false, error: expect.stringMatching(/no longer works/) });
      expect(await findOpenInvitation(t)).toBeNull();
    }
    const still = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(still.passwordHash).toBe(after.passwordHash);
    expect(still.sessionVersion).toBe(after.sessionVersion);
  });

  it("refuses an unused link once the user has a password by any other way", async () => {
    const { user, token } = await pendingInviteeOfA();
    const theirs = (await seedUser()).passwordHash!;
    await db().user.update({ where: { id: user.id }, data: { passwordHash: theirs } });
    expect(await findOpenInvitation(token)).toBeNull();
    expect(await redeem(token, "the-attackers-password")).toMatchObject({ ok: false, error: expect.stringMatching(/no longer works/) });
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(theirs);
  });

  it("refuses a link once its user has signed in with single sign-on", async () => {
    const { user, token } = await pendingInviteeOfA();
    const linked = await linkOidcSignIn(db(), { sub: `sub-${unique()}`, email: user.email, email_verified: true });
    expect(linked).toMatchObject({ ok: true, userId: user.id, linkedNow: true });
    expect(await findOpenInvitation(token)).toBeNull();
    expect(await redeem(token, "the-attackers-password")).toMatchObject({ ok: false });
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
  });

  it("refuses used, expired and non-password-setting links, and changes nothing", async () => {
    const { user, token } = await pendingInviteeOfA();
    const inv = await db().invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    const cases: [string, object][] = [
      ["used", { usedAt: new Date() }],
      ["expired", { expiresAt: new Date(Date.now() - 1000) }],
      ["made before links were tied to new accounts", { setsPassword: false }],
    ];
    for (const [label, change] of cases) {
      await db().invitation.update({ where: { id: inv.id }, data: { usedAt: null, expiresAt: inv.expiresAt, setsPassword: true, ...change } });
      expect(await findOpenInvitation(token), label).toBeNull();
      expect(await redeem(token), label).toMatchObject({ ok: false, error: expect.stringMatching(/expired or was already used/) });
      expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash, label).toBeNull();
    }
  });

  it("invite, remove, invite again: the removal ends the first link, and the account still gets a way in", async () => {
    const { a, user, token } = await pendingInviteeOfA();
    const ownerA = (await db().membership.findFirstOrThrow({ where: { tenantId: a.id, role: "OWNER" }, include: { user: true } })).user;
    const membership = await db().membership.findFirstOrThrow({ where: { tenantId: a.id, userId: user.id } });
    expect(await removeMember.runAs(callerFor(ownerA), { tenant: a.slug, membershipId: membership.id })).toMatchObject({ ok: true });
    // Whoever kept the first link cannot use it on an account with no tenant.
    expect(await redeem(token, "the-attackers-password")).toMatchObject({ ok: false });
    const again = await inviteMember.runAs(callerFor(ownerA), { tenant: a.slug, email: user.email, role: "DEVELOPER" });
    expect(again).toMatchObject({ ok: true, data: { newAccount: false, link: expect.stringMatching(/\/invite\//) } });
    if (!again.ok) return;
    expect(await redeem(tokenOf(again.data.link), PASSWORD, "Back Again")).toMatchObject({ ok: true });
    expect(await verifyPassword(PASSWORD, (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
  });

  it("re-issues a link for an expired one only while the account belongs to this tenant alone", async () => {
    const { a, user, token } = await pendingInviteeOfA();
    await db().invitation.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Another tenant adding the stranded member of A gets no link: it would reach A's membership.
    const { invite } = await mallory();
    expect(await invite(user.email)).toMatchObject({ ok: true, data: { link: null, newAccount: false } });
    expect(await db().invitation.count({ where: { userId: user.id, usedAt: null, expiresAt: { gt: new Date() } } })).toBe(0);
    // Nor does A, now that the account also belongs to Mallory's tenant.
    const ownerA = (await db().membership.findFirstOrThrow({ where: { tenantId: a.id, role: "OWNER" }, include: { user: true } })).user;
    const membership = await db().membership.findFirstOrThrow({ where: { tenantId: a.id, userId: user.id } });
    await removeMember.runAs(callerFor(ownerA), { tenant: a.slug, membershipId: membership.id });
    expect(await inviteMember.runAs(callerFor(ownerA), { tenant: a.slug, email: user.email, role: "VIEWER" })).toMatchObject({ ok: true, data: { link: null } });
  });

  it("lets exactly one of two parallel redeems of one link win", async () => {
    const { user, token } = await pendingInviteeOfA();
    const results = await Promise.all([redeem(token, "first-password-here", "First"), redeem(token, "second-password-here", "Second")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results[0].ok ? "first-password-here" : "second-password-here";
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(winner, after.passwordHash!)).toBe(true);
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect(await db().auditEvent.count({ where: { action: "member.joined", resourceId: user.id } })).toBe(1);
  });
});
