import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, seedUser, unique } from "@/lib/testing/factories";
import { linkOidcSignIn } from "./oidc-link";
import { authOptions } from "./options";

useTestDatabase();

const sub = () => `idp|${unique()}`;

describe("single sign-on links accounts by the provider's sub", () => {
  it("refuses an email the provider has not verified, in any form but a true boolean", async () => {
    const user = await seedUser({ password: false });
    for (const email_verified of [false, "true", 1, undefined, null]) {
      const r = await linkOidcSignIn(db(), { sub: sub(), email: user.email, email_verified });
      expect(r, String(email_verified)).toEqual({ ok: false, error: "EmailNotVerified" });
    }
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).oidcSubject).toBeNull();
  });

  it("links a known email's first sign-on, ending its sessions and open links, with an audit event", async () => {
    const tenant = await seedTenant();
    const user = await seedUser();
    await seedMember(tenant, "DEVELOPER", user);
    await db().invitation.create({
      data: { tenantId: tenant.id, userId: user.id, tokenHash: `h-${unique()}`, expiresAt: new Date(Date.now() + 86_400_000), setsPassword: true },
    });
    const s = sub();
    const r = await linkOidcSignIn(db(), { sub: s, email: `  ${user.email.toUpperCase()} `, email_verified: true });
    expect(r).toEqual({ ok: true, userId: user.id, linkedNow: true });
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({ oidcSubject: s, sessionVersion: user.sessionVersion + 1 });
    expect(await db().invitation.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
    expect(await db().auditEvent.count({ where: { tenantId: tenant.id, action: "user.sso_linked", resourceId: user.id } })).toBe(1);
  });

  it("finds a linked account by sub even when the provider now sends another email", async () => {
    const user = await seedUser();
    const s = sub();
    await linkOidcSignIn(db(), { sub: s, email: user.email, email_verified: true });
    const r = await linkOidcSignIn(db(), { sub: s, email: `renamed-${unique()}@example.test`, email_verified: true });
    expect(r).toEqual({ ok: true, userId: user.id, linkedNow: false });
    // Later sign-ons leave the sessions alone.
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(user.sessionVersion + 1);
  });

  it("refuses another sub for an email already linked (the address was reassigned at the provider)", async () => {
    const user = await seedUser();
    const s = sub();
    await linkOidcSignIn(db(), { sub: s, email: user.email, email_verified: true });
    expect(await linkOidcSignIn(db(), { sub: sub(), email: user.email, email_verified: true })).toEqual({ ok: false, error: "AccountMismatch" });
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).oidcSubject).toBe(s);
  });

  it("refuses people nobody invited, and claims without a sub", async () => {
    expect(await linkOidcSignIn(db(), { sub: sub(), email: `stranger-${unique()}@example.test`, email_verified: true })).toEqual({ ok: false, error: "NotInvited" });
    const user = await seedUser();
    expect(await linkOidcSignIn(db(), { email: user.email, email_verified: true })).toEqual({ ok: false, error: "OAuthCallback" });
    expect(await linkOidcSignIn(db(), { sub: "", email: user.email, email_verified: true })).toEqual({ ok: false, error: "OAuthCallback" });
  });

  it("links exactly one of two different subs signing on at once", async () => {
    const user = await seedUser({ password: false });
    const subs = [sub(), sub()];
    const results = await Promise.all(subs.map((s) => linkOidcSignIn(db(), { sub: s, email: user.email, email_verified: true })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "AccountMismatch" }]);
    const winner = subs[results.findIndex((r) => r.ok)];
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).oidcSubject).toBe(winner);
  });

  it("sends next-auth's refusals to the sign-in page with a known code, and admits the linked user", async () => {
    const user = await seedUser({ password: false });
    const signIn = (profile: object) =>
      authOptions.callbacks!.signIn!({ user: { id: "x" }, account: { provider: "oidc", type: "oauth", providerAccountId: "x" }, profile } as never);
    expect(await signIn({ sub: sub(), email: user.email, email_verified: false })).toBe("/sign-in?error=EmailNotVerified");
    expect(await signIn({ sub: sub(), email: `nobody-${unique()}@example.test`, email_verified: true })).toBe("/sign-in?error=NotInvited");
    expect(await signIn({ sub: sub(), email: user.email, email_verified: true })).toBe(true);
    expect(await signIn({ sub: sub(), email: user.email, email_verified: true })).toBe("/sign-in?error=AccountMismatch");
  });
});
