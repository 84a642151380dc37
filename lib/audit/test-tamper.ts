import pg from "pg";
import { db } from "@/lib/db/client";
import type { TestDatabase } from "@/lib/testing/db";
import { unique } from "@/lib/testing/factories";
import { GENESIS_HASH, chainHash, type ChainedContent } from "./chain";
import { HARDENING_MIGRATION } from "./legacy";

export type Statement = [sql: string, ...values: unknown[]];

/**
 * Runs statements as a database superuser would, behind Keel's back: one transaction with
 * `session_replication_role = replica`, which skips the append-only triggers. On PostgreSQL it is
 * a connection of its own as `postgres` (the test database URL's user); the embedded database
 * serves one connection, whose user is already a superuser.
 */
export async function asSuperuser(handle: TestDatabase, ...statements: Statement[]): Promise<void> {
  if (handle.kind === "embedded") {
    await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      for (const [sql, ...values] of statements) await tx.$executeRawUnsafe(sql, ...values);
    });
    return;
  }
  const client = new pg.Client({ connectionString: handle.url });
  await client.connect();
  try {
    const [{ rolsuper }] = (await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).rows;
    if (!rolsuper) throw new Error("asSuperuser: the test database URL's user is not a superuser");
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    for (const [sql, ...values] of statements) await client.query(sql, values);
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

/** A tenant as the hardening migration found it: its chain's first event is unsigned and older than the migration. */
export async function legacyTenant() {
  const tenant = await db().tenant.create({ data: { slug: `legacy-${unique()}`, name: "Legacy tenant" } });
  const [{ at }] = await db().$queryRawUnsafe<{ at: Date }[]>(`SELECT "finished_at" - interval '1 day' AS at FROM "_prisma_migrations" WHERE "migration_name" = $1`, HARDENING_MIGRATION);
  const content: ChainedContent = {
    tenantId: tenant.id, seq: 1, actorType: "SYSTEM", actorId: null, actorLabel: "seed", action: "tenant.created", resourceType: "tenant",
    resourceId: tenant.id, before: null, after: null, ip: null, userAgent: null, requestId: null, createdAt: at,
  };
  await db().$executeRawUnsafe(
    `INSERT INTO "AuditEvent" ("id","tenantId","seq","actorType","actorLabel","action","resourceType","resourceId","createdAt","prevHash","hash")
     VALUES ($1, $2, 1, 'SYSTEM', 'seed', 'tenant.created', 'tenant', $2, $3, $4, $5)`,
    `legacy-ev-${unique()}`, tenant.id, at, GENESIS_HASH, chainHash(GENESIS_HASH, content),
  );
  await db().$executeRawUnsafe(`UPDATE "Tenant" SET "auditSeq" = 1 WHERE "id" = $1`, tenant.id);
  return tenant;
}
