import crypto from "node:crypto";
import bcrypt from "bcryptjs";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import type { Caller } from "@/lib/tenancy/caller";

export const TEST_PASSWORD = "correct-horse-battery";
// A low bcrypt cost keeps factories fast; sign-in verifies any cost.
const TEST_HASH = bcrypt.hashSync(TEST_PASSWORD, 4);

/** A short random suffix for names that must not collide between tests. */
export const unique = () => crypto.randomBytes(4).toString("hex");

export async function seedUser(opts: { email?: string; isPlatformAdmin?: boolean; password?: boolean } = {}) {
  return db().user.create({
    data: {
      email: opts.email ?? `user-${unique()}@example.test`,
      passwordHash: opts.password === false ? null : TEST_HASH,
      isPlatformAdmin: opts.isPlatformAdmin ?? false,
    },
  });
}

/** A tenant whose chain starts with its creation, as the app would leave it. */
export async function seedTenant(opts: { slug?: string; status?: "ACTIVE" | "SUSPENDED"; monthlyBudgetUsd?: string } = {}) {
  return db().$transaction(async (tx) => {
    const tenant = await tx.tenant.create({
      data: { slug: opts.slug ?? `t-${unique()}`, name: "Test tenant", status: opts.status ?? "ACTIVE", monthlyBudgetUsd: opts.monthlyBudgetUsd ?? null },
    });
    await recordAudit(tx, tenant.id, { type: "SYSTEM", id: null, label: "test" }, { ip: null, userAgent: null, requestId: null }, {
      action: "tenant.created",
      resourceType: "tenant",
      resourceId: tenant.id,
    });
    return tenant;
  });
}

export async function seedMember(tenant: { id: string }, role: Role, user?: { id: string; email: string }) {
  const u = user ?? (await seedUser());
  const membership = await db().membership.create({ data: { tenantId: tenant.id, userId: u.id, role } });
  return { user: u, membership };
}

/** The caller a signed-in user's request would carry. */
export function callerFor(user: { id: string; sessionVersion?: number } | null): Caller {
  return {
    userId: user?.id ?? null,
    sessionVersion: user ? (user.sessionVersion ?? 0) : null,
    ip: "203.0.113.7",
    userAgent: "vitest",
    requestId: crypto.randomUUID(),
  };
}
