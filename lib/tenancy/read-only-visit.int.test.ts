import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, seedUser } from "@/lib/testing/factories";
import { findTenantScope } from "./data";
import { requireTenant } from "./page";
import { READ_PERMISSIONS, scopeCan } from "./scope";
import { VISIT_WINDOW_MS } from "./visit";

// Pages read the session cookie through Next's request context; here it is the test's.
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "visit-test", "x-forwarded-for": "198.51.100.60" }),
  cookies: async () => ({ getAll: () => (request.cookie ? [{ name: "next-auth.session-token", value: request.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "visit-test-secret-visit-test-secret";

useTestDatabase();

async function signInAs(user: { id: string; email: string }, sv?: number) {
  const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
  request.cookie = await encode({ token: { uid: row.id, sv: sv ?? row.sessionVersion, email: row.email }, secret: process.env.NEXTAUTH_SECRET! });
}
const visits = (tenantId: string, actorId?: string) => db().auditEvent.count({ where: { tenantId, action: "platform.visited", ...(actorId ? { actorId } : {}) } });
/** What Next's notFound() and redirect() throw, by their digest. */
const digest = async (p: Promise<unknown>) => (await p.then(() => "rendered", (e: { digest?: string }) => e.digest ?? String(e))).split(";").slice(0, 2).join(";");

beforeEach(() => {
  request.cookie = "";
});

describe("the platform admin's read-only visit", () => {
  it("gives a read-only auditor's view only to a platform admin who is not a member; others get their membership or nothing", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    const { user: outsider } = await seedMember(other, "OWNER");
    const admin = await seedUser({ isPlatformAdmin: true });
    const memberAdmin = await seedUser({ isPlatformAdmin: true });
    await seedMember(tenant, "VIEWER", memberAdmin);
    expect(await findTenantScope({ id: outsider.id, isPlatformAdmin: false }, tenant.slug)).toBeNull();
    // The flag is the caller's own row's, read per request by the session layer; a claim of it changes nothing here.
    expect(await findTenantScope({ id: admin.id, isPlatformAdmin: true }, tenant.slug)).toMatchObject({ tenantId: tenant.id, role: "AUDITOR", readOnly: true });
    expect(await findTenantScope({ id: admin.id, isPlatformAdmin: true }, "no-such-tenant")).toBeNull();
    expect(await findTenantScope({ id: memberAdmin.id, isPlatformAdmin: true }, tenant.slug)).toMatchObject({ role: "VIEWER", readOnly: false });
  });

  it("offers reads only, whatever the role would hold", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      for (const role of ["OWNER", "AUDITOR"] as const) {
        const offered = scopeCan({ role, readOnly: true }, permission);
        expect(offered, `${role} ${permission}`).toBe(READ_PERMISSIONS.includes(permission) && PERMISSIONS[permission].roles.some((r) => r === role));
      }
    }
  });

  it("a page visit is on the tenant's chain once in the window, as the admin from the session; a member's or an outsider's is not", async () => {
    const tenant = await seedTenant();
    const { user: member } = await seedMember(tenant, "OWNER");
    const other = await seedTenant();
    const { user: outsider } = await seedMember(other, "OWNER");
    const admin = await seedUser({ isPlatformAdmin: true });

    await signInAs(outsider);
    expect(await digest(requireTenant(tenant.slug))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    await signInAs(member);
    expect((await requireTenant(tenant.slug)).scope.readOnly).toBe(false);
    expect(await visits(tenant.id)).toBe(0);

    await signInAs(admin);
    for (let i = 0; i < 3; i++) expect((await requireTenant(tenant.slug)).scope).toMatchObject({ readOnly: true, role: "AUDITOR" });
    expect(await visits(tenant.id, admin.id)).toBe(1);
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "platform.visited" } });
    expect(event).toMatchObject({ actorId: admin.id, actorLabel: admin.email, ip: "198.51.100.60", userAgent: "visit-test" });
    expect(await visits(other.id)).toBe(0);

    // Past the window (the chain is append-only, so the clock moves instead), the next page is a new visit.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + VISIT_WINDOW_MS + 1000 });
    try {
      await requireTenant(tenant.slug);
    } finally {
      vi.useRealTimers();
    }
    expect(await visits(tenant.id, admin.id)).toBe(2);
  });

  it("a stale or demoted admin's session gets no view at all, and no visit is written", async () => {
    const tenant = await seedTenant();
    const admin = await seedUser({ isPlatformAdmin: true });
    await signInAs(admin, admin.sessionVersion - 1);
    expect(await digest(requireTenant(tenant.slug))).toBe("NEXT_REDIRECT;replace");
    await signInAs(admin);
    await db().user.update({ where: { id: admin.id }, data: { isPlatformAdmin: false } });
    expect(await digest(requireTenant(tenant.slug))).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    expect(await visits(tenant.id)).toBe(0);
  });
});
