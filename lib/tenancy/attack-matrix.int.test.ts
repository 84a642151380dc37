import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as verifyRoute } from "@/app/api/t/[tenant]/audit/verify/route";
import * as accountActions from "@/lib/auth/actions";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant, seedUser } from "@/lib/testing/factories";
import type { Action } from "./action";
import * as tenantActions from "./actions";
import * as adminActions from "./admin-actions";

// Route handlers read the session cookie through Next's request context; here it carries a
// real signed session token for whichever user the test acts as.
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "attack-matrix", "x-forwarded-for": "198.51.100.9" }),
  cookies: async () => ({ getAll: () => (request.cookie ? [{ name: "next-auth.session-token", value: request.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "attack-matrix-secret-attack-matrix";

useTestDatabase();

type Target = { slug: string; id: string; ownerMembershipId: string; viewerMembershipId: string };
type Actor = { id: string; email: string };

/** Every server action, with a payload that would succeed for a permitted member of the target. */
const TENANT_MATRIX: Record<string, (t: Target) => Record<string, unknown>> = {
  inviteMember: (t) => ({ tenant: t.slug, email: "intruder@example.test", role: "OWNER" }),
  changeMemberRole: (t) => ({ tenant: t.slug, membershipId: t.viewerMembershipId, role: "ADMIN" }),
  removeMember: (t) => ({ tenant: t.slug, membershipId: t.viewerMembershipId }),
};
const PLATFORM_MATRIX: Record<string, (t: Target) => Record<string, unknown>> = {
  createTenant: () => ({ name: "Intruder Inc", slug: "intruder", ownerEmail: "intruder@example.test" }),
  setTenantStatus: (t) => ({ tenantId: t.id, status: "SUSPENDED" }),
};
/** These act only on the caller's own account; a test below shows they touch no one else. */
const SELF_ONLY = ["signOutEverywhere", "acceptInvitation"];

let target: Target;
let outsider: Actor; // an OWNER of another tenant
let viewer: Actor; // a VIEWER of the target tenant
let otherTenantSlug: string;

async function snapshot() {
  const [tenants, memberships, users, events, invitations] = await Promise.all([
    db().tenant.findMany({ orderBy: { id: "asc" }, select: { id: true, slug: true, status: true, auditSeq: true } }),
    db().membership.findMany({ orderBy: { id: "asc" }, select: { id: true, role: true, tenantId: true, userId: true } }),
    db().user.findMany({ orderBy: { id: "asc" }, select: { id: true, email: true, sessionVersion: true, passwordHash: true } }),
    db().auditEvent.count(),
    db().invitation.count(),
  ]);
  return { tenants, memberships, users, events, invitations };
}

beforeAll(async () => {
  const tenant = await seedTenant();
  const owner = await seedMember(tenant, "OWNER");
  const v = await seedMember(tenant, "VIEWER");
  target = { slug: tenant.slug, id: tenant.id, ownerMembershipId: owner.membership.id, viewerMembershipId: v.membership.id };
  viewer = v.user;
  const other = await seedTenant();
  otherTenantSlug = other.slug;
  outsider = (await seedMember(other, "OWNER")).user;
});

describe("attack matrix", () => {
  it("covers every exported action", () => {
    const exported = [...Object.keys(tenantActions), ...Object.keys(adminActions), ...Object.keys(accountActions)].sort();
    expect(exported).toEqual([...Object.keys(TENANT_MATRIX), ...Object.keys(PLATFORM_MATRIX), ...SELF_ONLY].sort());
  });

  const cases: [string, () => Actor, RegExp][] = [
    ["a member of another tenant", () => outsider, /^Not found/],
    ["a VIEWER", () => viewer, /^Forbidden/],
  ];

  for (const [who, actor, expected] of cases) {
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      it(`${name}: ${who} is refused and nothing changes`, async () => {
        const before = await snapshot();
        const action = (tenantActions as unknown as Record<string, Action<unknown>>)[name];
        const r = await action.runAs(callerFor(actor()), payload(target));
        expect(r).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
        expect(await snapshot()).toEqual(before);
      });
    }
    for (const [name, payload] of Object.entries(PLATFORM_MATRIX)) {
      it(`${name}: ${who} is refused and nothing changes`, async () => {
        const before = await snapshot();
        const action = (adminActions as unknown as Record<string, Action<unknown>>)[name];
        const r = await action.runAs(callerFor(actor()), payload(target));
        expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Forbidden/) });
        expect(await snapshot()).toEqual(before);
      });
    }
  }

  it("a forged id: an owner of another tenant naming the target's member under their own tenant gets not found", async () => {
    for (const name of ["changeMemberRole", "removeMember"] as const) {
      const before = await snapshot();
      const payload = { ...TENANT_MATRIX[name](target), tenant: otherTenantSlug };
      const r = await tenantActions[name].runAs(callerFor(outsider), payload);
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Not found/) });
      expect(await snapshot()).toEqual(before);
    }
  });

  it("no session: every action says so and nothing changes", async () => {
    const before = await snapshot();
    for (const [name, payload] of Object.entries(TENANT_MATRIX)) {
      const r = await (tenantActions as unknown as Record<string, Action<unknown>>)[name].runAs(callerFor(null), payload(target));
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/not signed in/) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("sign out everywhere touches only the caller's account", async () => {
    const before = await snapshot();
    const fresh = await db().user.findUniqueOrThrow({ where: { id: outsider.id } });
    const r = await accountActions.signOutEverywhere.runAs(callerFor(fresh), {});
    expect(r.ok).toBe(true);
    const after = await snapshot();
    expect(after.users.filter((u) => u.id !== outsider.id)).toEqual(before.users.filter((u) => u.id !== outsider.id));
    expect(after.memberships).toEqual(before.memberships);
    expect(after.users.find((u) => u.id === outsider.id)?.sessionVersion).toBe(fresh.sessionVersion + 1);
  });

  it("an invitation token that was never issued is refused", async () => {
    const before = await snapshot();
    const r = await accountActions.acceptInvitation.runAs(callerFor(null), { token: "x".repeat(43), name: "Mallory", password: "long-enough-password", confirm: "long-enough-password" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/expired or was already used/) });
    expect(await snapshot()).toEqual(before);
  });

  describe("routes", () => {
    async function signInAs(user: Actor | null) {
      if (!user) {
        request.cookie = "";
        return;
      }
      const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
      request.cookie = await encode({ token: { uid: row.id, sv: row.sessionVersion, email: row.email }, secret: process.env.NEXTAUTH_SECRET! });
    }
    const call = () => verifyRoute(new Request(`http://keel.test/api/t/${target.slug}/audit/verify`), { params: Promise.resolve({ tenant: target.slug }) });

    const routeCases: [string, () => Actor | null, number][] = [
      ["no session", () => null, 401],
      ["a member of another tenant", () => outsider, 404],
      ["a VIEWER", () => viewer, 403],
    ];
    for (const [who, actor, status] of routeCases) {
      it(`GET /api/t/[tenant]/audit/verify: ${who} gets ${status}`, async () => {
        await signInAs(actor());
        const res = await call();
        expect(res.status).toBe(status);
        expect((await res.json()).error.message).toBeTruthy();
      });
    }

    it("GET /api/t/[tenant]/audit/verify: an auditor gets the verdict", async () => {
      const tenant = await db().tenant.findUniqueOrThrow({ where: { slug: target.slug } });
      const auditor = await seedUser();
      await seedMember(tenant, "AUDITOR" as Role, auditor);
      await signInAs(auditor);
      const res = await call();
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true });
    });
  });
});
