import crypto from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/schema-engine";
import { adminQuery, databaseUrl } from "./postgres-admin";


export type TestDatabase = { kind: "embedded" | "postgres"; url: string; database: Database };

/**
 * Gives the test file its own migrated database: an in-memory PGlite behind the socket
 * (KEEL_TEST_DB=embedded) or a fresh database on the PostgreSQL server (KEEL_TEST_DB=postgres).
 * The returned object is filled in before the file's tests run.
 */
export function useTestDatabase(): TestDatabase {
  const kind = process.env.KEEL_TEST_DB === "postgres" ? "postgres" : "embedded";
  const handle = { kind } as TestDatabase;
  let teardown = async () => {};
  process.env.KEEL_MASTER_KEY ??= `test:${crypto.randomBytes(32).toString("base64")}`;
  process.env.KEEL_AUDIT_SIGNING_KEY ??= `test:${crypto.randomBytes(32).toString("base64")}`;

  beforeAll(async () => {
    if (kind === "embedded") {
      const embedded = await startEmbeddedDatabase("memory://");
      await applyMigrations(embedded.url);
      await embedded.waitForIdle();
      handle.url = embedded.url;
      handle.database = openDatabase(embedded.url, 1);
      teardown = async () => {
        await handle.database.close();
        await embedded.stop();
      };
    } else {
      const name = `keel_test_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
      await adminQuery(`CREATE DATABASE "${name}"`);
      handle.url = databaseUrl(name);
      await applyMigrations(handle.url);
      handle.database = openDatabase(handle.url, 4);
      teardown = async () => {
        await handle.database.close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
    }
  });
  afterAll(() => teardown());
  return handle;
}
