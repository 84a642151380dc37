import { describe, expect, it } from "vitest";
import pg from "pg";
import { useTestDatabase } from "@/lib/testing/db";
import { openDatabase } from "./client";
import { diffDatabaseToSchema, migrationStatus } from "./schema-engine";

const handle = useTestDatabase();

describe("migrations", () => {
  it("bring the database to exactly what schema.prisma says", async () => {
    // Not empty means schema.prisma changed without a migration: run `npm run db:new -- <name>`.
    expect(await diffDatabaseToSchema(handle.url)).toBe("");
  });

  it("are all recorded as applied", async () => {
    const status = await migrationStatus(handle.url);
    expect(status.pending).toEqual([]);
    expect(status.applied.length).toBeGreaterThan(0);
  });

  it("notice a database that drifted from the schema", async () => {
    // The embedded database serves one connection: the app's pool lets go of it for the check.
    await handle.database.close();
    try {
      await sql(handle.url, `ALTER TABLE "User" ADD COLUMN "drift" integer`);
      expect(await diffDatabaseToSchema(handle.url)).toMatch(/DROP COLUMN "drift"/);
      await sql(handle.url, `ALTER TABLE "User" DROP COLUMN "drift"`);
      expect(await diffDatabaseToSchema(handle.url)).toBe("");
    } finally {
      handle.database = openDatabase(handle.url, 1);
    }
  });
});

async function sql(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
