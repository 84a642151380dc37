import fs from "node:fs";
import path from "node:path";
import { recordAudit, type AuditInput } from "@/lib/audit/record";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { ROLES } from "@/lib/auth/permissions";
import type { PrismaClient } from "@/lib/db/client";
import { createBuiltinProvider, createDemoEndpoints } from "@/lib/providers/builtin/provision";

export type SeededSignIn = { email: string; password: string; role: string };

const SYSTEM = { type: "SYSTEM" as const, id: null, label: "keel-seed" };
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };

/**
 * On an empty database: a platform admin and a demo tenant `acme` with one user per role, and
 * endpoints on the built-in offline models so the gateway answers before any provider is added.
 * Returns the sign-ins to print once; returns null when the database already has users.
 */
export async function seedIfEmpty(prisma: PrismaClient): Promise<SeededSignIn[] | null> {
  if ((await prisma.user.count()) > 0) return null;
  const people = [
    { email: "admin@keel.local", role: "PLATFORM ADMIN" },
    ...ROLES.map((role) => ({ email: `${role.toLowerCase()}@acme.test`, role })),
  ].map((p) => ({ ...p, password: generatePassword() }));
  const hashes = await Promise.all(people.map((p) => hashPassword(p.password)));
  await prisma.$transaction(
    async (tx) => {
      const tenant = await tx.tenant.create({ data: { slug: "acme", name: "Acme Corp" } });
      await recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, {
        action: "tenant.created",
        resourceType: "tenant",
        resourceId: tenant.id,
        after: { name: tenant.name, slug: tenant.slug, status: tenant.status },
      });
      for (const [i, p] of people.entries()) {
        const user = await tx.user.create({
          data: { email: p.email, name: p.email.split("@")[0], passwordHash: hashes[i], isPlatformAdmin: i === 0 },
        });
        if (i === 0) continue;
        const m = await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: p.role as (typeof ROLES)[number] } });
        await recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, {
          action: "member.invited",
          resourceType: "membership",
          resourceId: m.id,
          after: { email: p.email, role: p.role },
        });
      }
      const audit = (event: AuditInput) => recordAudit(tx, tenant.id, SYSTEM, NO_REQUEST, event);
      const builtin = await createBuiltinProvider(tx, tenant.id, audit);
      await createDemoEndpoints(tx, tenant.id, builtin.id, audit);
    },
    { timeout: 30_000 },
  );
  return people;
}

/** Writes the seeded sign-ins to a file only this user can read; returns its path. */
export function writeSignIns(home: string, signIns: SeededSignIn[]): string {
  const file = path.join(home, "initial-sign-ins.txt");
  fs.mkdirSync(home, { recursive: true });
  const lines = signIns.map((s) => `${s.role.padEnd(15)} ${s.email.padEnd(22)} ${s.password}`);
  fs.writeFileSync(file, `# Keel's first sign-ins. Change these passwords, then delete this file.\n${lines.join("\n")}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}
