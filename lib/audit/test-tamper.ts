import pg from "pg";
import { db } from "@/lib/db/client";
import type { TestDatabase } from "@/lib/testing/db";

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
