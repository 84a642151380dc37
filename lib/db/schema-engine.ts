// Keel's `prisma migrate`, run on Prisma's own schema engine compiled to WebAssembly: the CLI
// needs a native engine it downloads at run time, which offline machines cannot do. The engine
// writes `_prisma_migrations` itself, so a database migrated here is one the CLI accepts.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList, SchemasContainer } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { startEmbeddedDatabase } from "./embedded";
import { describeError, withEngine } from "./schema-engine-wasm";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCHEMA_FILE = path.join(ROOT, "prisma", "schema.prisma");
const MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");
const LOCKFILE = "migration_lock.toml";
const NO_FILTER = { externalTables: [], externalEnums: [] };

/** `prisma migrate deploy`: applies the pending migrations and returns their names. */
export async function applyMigrations(url: string): Promise<{ applied: string[] }> {
  const migrationsList = readMigrations();
  return withEngine(url, async (engine) => {
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return { applied: appliedMigrationNames };
    } catch (error) {
      // The engine names the failed migration only in the span trace it appends to the message.
      const message = describeError(error);
      const migration = /migration_name="([^"]+)"/.exec(message)?.[1];
      const reason = message.split(/\n\s+0: /)[0].replace(/^external connector error\n/, "");
      throw new Error(migration ? `Migration ${migration} failed: ${reason}` : `Applying migrations failed: ${reason}`);
    }
  });
}

/** `prisma migrate status`: what prisma/migrations and the database's migration table say. */
export async function migrationStatus(url: string): Promise<{ applied: string[]; pending: string[]; problems: string[] }> {
  const migrationsList = readMigrations();
  const diagnosis = await withEngine(url, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
  const history = diagnosis.history;
  const pending = history && "unappliedMigrationNames" in history ? history.unappliedMigrationNames : [];
  const onlyInDatabase = history && "unpersistedMigrationNames" in history ? history.unpersistedMigrationNames : [];
  const failed = diagnosis.failedMigrationNames;
  const local = migrationsList.migrationDirectories.map((d) => d.path);
  const applied = [...local.filter((name) => !pending.includes(name) && !failed.includes(name)), ...onlyInDatabase];
  const problems = [
    ...failed.map((name) => `${name} failed; fix the database, then mark it rolled back or applied`),
    ...diagnosis.editedMigrationNames.map((name) => `${name} was edited after it was applied`),
    ...onlyInDatabase.map((name) => `${name} is applied in the database but missing from prisma/migrations`),
  ];
  return { applied, pending, problems };
}

/** The SQL that would bring the database to schema.prisma; "" when they already agree. */
export async function diffDatabaseToSchema(url: string): Promise<string> {
  const schema = readSchema();
  const { stdout } = await withEngine(url, (engine) =>
    engine.diff({
      from: { tag: "schemaDatasource", ...schema, configDir: ROOT },
      to: { tag: "schemaDatamodel", ...schema },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    }),
  );
  const script = stdout ?? "";
  // An empty diff still comes back as a script: "-- This is an empty migration."
  const statements = script.split("\n").filter((line) => line.trim() && !line.trim().startsWith("--"));
  return statements.length ? script : "";
}

/**
 * `prisma migrate dev --create-only`: replays prisma/migrations on a throwaway in-memory PGlite
 * (the shadow database), diffs it against schema.prisma and writes the difference as a new
 * migration. Returns its folder name, or null when schema.prisma adds nothing.
 */
export async function createMigration(name: string): Promise<string | null> {
  // The engine's own createMigration cannot reach a shadow database in this Wasm build
  // ("PostgreSQL shadow DB must be provided through an external factory"), so this does its
  // steps itself. Unlike the CLI it adds no data-loss warnings to the script: review it.
  const lockfile = readMigrations().lockfile;
  const shadow = await startEmbeddedDatabase("memory://");
  let script: string;
  try {
    await applyMigrations(shadow.url);
    await shadow.waitForIdle();
    script = await diffDatabaseToSchema(shadow.url);
  } finally {
    await shadow.stop();
  }
  if (!script) return null;
  const folder = `${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${name}`;
  fs.mkdirSync(path.join(MIGRATIONS_DIR, folder), { recursive: true });
  fs.writeFileSync(path.join(MIGRATIONS_DIR, folder, "migration.sql"), script, { flag: "wx" });
  if (lockfile.content === null) {
    const lock = '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n';
    fs.writeFileSync(path.join(MIGRATIONS_DIR, LOCKFILE), lock);
  }
  return folder;
}

/** Reads prisma/migrations the way Prisma's CLI does, so checksums match the CLI's. */
function readMigrations(): MigrationList {
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null);
  const entries = fs.existsSync(MIGRATIONS_DIR) ? fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((dir) => {
      const script = read(path.join(MIGRATIONS_DIR, dir, "migration.sql"));
      const content = script === null ? { tag: "error" as const, value: `${dir}/migration.sql is missing` } : { tag: "ok" as const, value: script };
      return { path: dir, migrationFile: { path: "migration.sql", content } };
    });
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCKFILE, content: read(path.join(MIGRATIONS_DIR, LOCKFILE)) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

function readSchema(): SchemasContainer {
  return { files: [{ path: SCHEMA_FILE, content: fs.readFileSync(SCHEMA_FILE, "utf8") }] };
}
