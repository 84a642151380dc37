import pg from "pg";
import type { KeelConfig } from "@/lib/config";
import { openDatabase, type Database } from "./client";
import { startEmbeddedDatabase } from "./embedded";
import { applyMigrations } from "./schema-engine";

export type BootedDatabase = { database: Database; applied: string[]; where: string; shutdown: () => Promise<void> };

/**
 * Opens Keel's database: the Postgres at DATABASE_URL, or the embedded one in the data folder.
 * Pending migrations are applied first, then the app's one pool opens (one connection on the
 * embedded database, which cannot serve two).
 */
export async function bootDatabase(config: Pick<KeelConfig, "databaseUrl" | "dataDir">): Promise<BootedDatabase> {
  if (config.databaseUrl) {
    await checkVectorExtension(config.databaseUrl);
    const { applied } = await applyMigrations(config.databaseUrl);
    const database = openDatabase(config.databaseUrl, 10);
    return { database, applied, where: redact(config.databaseUrl), shutdown: () => database.close() };
  }
  const embedded = await startEmbeddedDatabase(config.dataDir);
  try {
    const { applied } = await applyMigrations(embedded.url);
    await embedded.waitForIdle();
    const database = openDatabase(embedded.url, 1);
    const shutdown = async () => {
      await database.close();
      await embedded.stop();
    };
    return { database, applied, where: `embedded PGlite in ${config.dataDir}`, shutdown };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/** Stops with a message that names the fix when the server cannot provide pgvector. */
async function checkVectorExtension(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot connect to DATABASE_URL (${redact(url)}): ${(error as Error).message}`);
  }
  try {
    const available = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    if (available.rowCount === 0) {
      throw new Error(
        `The Postgres at DATABASE_URL (${redact(url)}) does not have the pgvector extension, which Keel needs.\n` +
          `Fix: install pgvector on that server (Debian/Ubuntu: apt-get install postgresql-<major>-pgvector; ` +
          `managed Postgres: enable the "vector" extension), or unset DATABASE_URL to use the embedded database.`,
      );
    }
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS vector");
    } catch (error) {
      throw new Error(
        `Keel could not create the "vector" extension in ${redact(url)}: ${(error as Error).message}\n` +
          `Fix: as a superuser, run CREATE EXTENSION vector; in that database, then start Keel again.`,
      );
    }
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
