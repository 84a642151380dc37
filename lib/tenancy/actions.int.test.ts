import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant, seedUser } from "@/lib/testing/factories";
import { changeMemberRole, inviteMember, removeMember } from "./actions";
import { createTenant, setTenantStatus } from "./admin-actions";
import { setMonthlyBudget } from "./settings-actions";

useTestDatabase();

describe("member management", () => {
  it("invites a new person with a one-time link, records the event, and rejects a second invite", async () => {
    const tenant = await seedTenant();
    const { user: admin } = await seedMember(tenant, "ADMIN");
    const r = await inviteMember.runAs(callerFor(admin), { tenant: tenant.slug, email: "  New.Person@Example.test ", role: "AUDITOR" });
    expect(r).toMatchObject({ ok: true, data: { email: "new.person@example.test", newAccount: true } });
    if (!r.ok) return;
    expect(r.data.link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    expect(await db().invitation.count({ where: { tenantId: tenant.id, setsPassword: true } })).toBe(1);
    const m = await db().membership.findUniqueOrThrow({ where: { id: r.data.membershipId }, include: { user: true } });
    expect(m).toMatchObject({ tenantId: tenant.id, role: "AUDITOR", user: { email: "new.person@example.test", passwordHash: null } });
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "member.invited" } });
    expect(event).toMatchObject({ actorId: admin.id, actorLabel: admin.email, resourceId: m.id, ip: "203.0.113.7", userAgent: "vitest" });
    expect(event.requestId).toBeTruthy();

    const again = await inviteMember.runAs(callerFor(admin), { tenant: tenant.slug, email: "new.person@example.test", role: "VIEWER" });
    expect(again).toMatchObject({ ok: false, fieldErrors: { email: ["Already a member of this tenant"] } });
  });

  it("adds someone Keel already knows without a link, and says so", async () => {
    const tenant = await seedTenant();
    const { user: admin } = await seedMember(tenant, "ADMIN");
    const known = await seedUser();
    const r = await inviteMember.runAs(callerFor(admin), { tenant: tenant.slug, email: known.email, role: "VIEWER" });
    expect(r).toMatchObject({ ok: true, data: { email: known.email, newAccount: false, link: null } });
    expect(await db().membership.count({ where: { tenantId: tenant.id, userId: known.id } })).toBe(1);
    expect(await db().invitation.count({ where: { userId: known.id } })).toBe(0);
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "member.invited" } });
    expect(event.after).toMatchObject({ email: known.email, newAccount: false });
  });

  it("returns every field's error at once and changes nothing", async () => {
    const tenant = await seedTenant();
    const { user: owner } = await seedMember(tenant, "OWNER");
    const before = await db().membership.count();
    const r = await inviteMember.runAs(callerFor(owner), { tenant: tenant.slug, email: "not-an-email", role: "SUPERUSER" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(["email", "role"]);
    expect(await db().membership.count()).toBe(before);
  });

  it("changes a role with before and after in the audit event", async () => {
    const tenant = await seedTenant();
    const { user: owner } = await seedMember(tenant, "OWNER");
    const { membership } = await seedMember(tenant, "VIEWER");
    const r = await changeMemberRole.runAs(callerFor(owner), { tenant: tenant.slug, membershipId: membership.id, role: "DEVELOPER" });
    expect(r.ok).toBe(true);
    expect((await db().membership.findUniqueOrThrow({ where: { id: membership.id } })).role).toBe("DEVELOPER");
    const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: "member.role_changed" } });
    expect(event.before).toMatchObject({ role: "VIEWER" });
    expect(event.after).toMatchObject({ role: "DEVELOPER" });
  });

  it("never removes or demotes the last owner", async () => {
    const tenant = await seedTenant();
    const { user: owner, membership } = await seedMember(tenant, "OWNER");
    const demote = await changeMemberRole.runAs(callerFor(owner), { tenant: tenant.slug, membershipId: membership.id, role: "ADMIN" });
    expect(demote).toMatchObject({ ok: false, error: expect.stringMatching(/last owner/) });
    const remove = await removeMember.runAs(callerFor(owner), { tenant: tenant.slug, membershipId: membership.id });
    expect(remove).toMatchObject({ ok: false, error: expect.stringMatching(/last owner/) });
    expect((await db().membership.findUniqueOrThrow({ where: { id: membership.id } })).role).toBe("OWNER");
  });

  it("keeps an owner when two owners demote each other at the same time", async () => {
    const tenant = await seedTenant();
    const a = await seedMember(tenant, "OWNER");
    const b = await seedMember(tenant, "OWNER");
    const results = await Promise.all([
      changeMemberRole.runAs(callerFor(a.user), { tenant: tenant.slug, membershipId: b.membership.id, role: "ADMIN" }),
      changeMemberRole.runAs(callerFor(b.user), { tenant: tenant.slug, membershipId: a.membership.id, role: "ADMIN" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().membership.count({ where: { tenantId: tenant.id, role: "OWNER" } })).toBe(1);
  });

  it("lets only owners grant the Owner role", async () => {
    const tenant = await seedTenant();
    const { user: admin } = await seedMember(tenant, "ADMIN");
    const { membership } = await seedMember(tenant, "VIEWER");
    const r = await changeMemberRole.runAs(callerFor(admin), { tenant: tenant.slug, membershipId: membership.id, role: "OWNER" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/Only an owner/) });
  });

  it("refuses a session from before 'sign out everywhere'", async () => {
    const tenant = await seedTenant();
    const { user: owner } = await seedMember(tenant, "OWNER");
    await db().user.update({ where: { id: owner.id }, data: { sessionVersion: 1 } });
    const r = await inviteMember.runAs(callerFor({ id: owner.id, sessionVersion: 0 }), { tenant: tenant.slug, email: "x@example.test", role: "VIEWER" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/session has ended/) });
  });

  it("refuses changes in a suspended tenant", async () => {
    const tenant = await seedTenant({ status: "SUSPENDED" });
    const { user: owner } = await seedMember(tenant, "OWNER");
    const r = await inviteMember.runAs(callerFor(owner), { tenant: tenant.slug, email: "x@example.test", role: "VIEWER" });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/suspended/) });
  });
});

describe("platform admin", () => {
  it("creates a tenant whose chain starts with its creation, and suspends it", async () => {
    const admin = await seedUser({ isPlatformAdmin: true });
    const r = await createTenant.runAs(callerFor(admin), { name: "Globex", slug: "globex", ownerEmail: admin.email });
    expect(r).toMatchObject({ ok: true, data: { slug: "globex", ownerIsYou: true, newAccount: false, link: null } });
    if (!r.ok) return;
    const taken = await createTenant.runAs(callerFor(admin), { name: "Globex 2", slug: "globex", ownerEmail: admin.email });
    expect(taken).toMatchObject({ ok: false, fieldErrors: { slug: [expect.any(String)] } });
    const s = await setTenantStatus.runAs(callerFor(admin), { tenantId: r.data.tenantId, status: "SUSPENDED" });
    expect(s).toMatchObject({ ok: true, data: { status: "SUSPENDED" } });
    const actions = (await db().auditEvent.findMany({ where: { tenantId: r.data.tenantId }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["tenant.created", "member.invited", "tenant.suspended"]);
    expect(await verifyAuditChain(db(), r.data.tenantId)).toMatchObject({ ok: true, checked: 3 });
  });

  it("reports a malformed tenant with every field's error", async () => {
    const admin = await seedUser({ isPlatformAdmin: true });
    const r = await createTenant.runAs(callerFor(admin), { name: "x", slug: "Bad Slug!", ownerEmail: "nope" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fieldErrors ?? {}).sort()).toEqual(["name", "ownerEmail", "slug"]);
  });
});

describe("tenant settings", () => {
  it("sets, rounds and clears the monthly budget; rejects a negative one", async () => {
    const tenant = await seedTenant();
    const { user: admin } = await seedMember(tenant, "ADMIN");
    const budget = async () => (await db().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).monthlyBudgetUsd?.toString() ?? null;
    expect(await setMonthlyBudget.runAs(callerFor(admin), { tenant: tenant.slug, monthlyBudgetUsd: "-5" })).toMatchObject({
      ok: false,
      fieldErrors: { monthlyBudgetUsd: ["The budget cannot be negative"] },
    });
    expect(await budget()).toBeNull();
    expect((await setMonthlyBudget.runAs(callerFor(admin), { tenant: tenant.slug, monthlyBudgetUsd: "12.345" })).ok).toBe(true);
    expect(await budget()).toBe("12.35");
    expect((await setMonthlyBudget.runAs(callerFor(admin), { tenant: tenant.slug, monthlyBudgetUsd: "" })).ok).toBe(true);
    expect(await budget()).toBeNull();
    const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id, action: "tenant.budget_changed" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.after)).toEqual([{ monthlyBudgetUsd: "12.35" }, { monthlyBudgetUsd: null }]);
  });
});
