// Keel's migration commands, run on Prisma's own schema engine (WebAssembly), which works
// offline where `prisma migrate` cannot download its native engine.
//   npm run db:migrate         apply pending migrations (also done at every start)
//   npm run db:status          applied and pending migrations
//   npm run db:diff            SQL that would bring the database to schema.prisma
//   npm run db:new -- <name>   write prisma/migrations/<timestamp>_<name> from schema.prisma
import { loadConfig } from "@/lib/config";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations, createMigration, diffDatabaseToSchema, migrationStatus } from "@/lib/db/schema-engine";

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.databaseUrl) return work(config.databaseUrl);
  const embedded = await startEmbeddedDatabase(config.dataDir);
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

const [command, name] = process.argv.slice(2);
try {
  switch (command) {
    case "deploy": {
      const { applied } = await withDatabase(applyMigrations);
      console.log(applied.length ? `Applied ${applied.join(", ")}` : "The database is up to date.");
      break;
    }
    case "status": {
      const s = await withDatabase(migrationStatus);
      console.log(`applied: ${s.applied.length}\npending: ${s.pending.join(", ") || "none"}`);
      for (const p of s.problems) console.log(`problem: ${p}`);
      process.exitCode = s.pending.length || s.problems.length ? 1 : 0;
      break;
    }
    case "diff": {
      const sql = await withDatabase(diffDatabaseToSchema);
      console.log(sql || "-- The database matches schema.prisma.");
      break;
    }
    case "new": {
      if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("Name the migration in snake_case: npm run db:new -- add_endpoints");
      const folder = await createMigration(name);
      console.log(folder ? `Wrote prisma/migrations/${folder}/migration.sql: review it, then commit it.` : "schema.prisma matches the migrations; nothing to write.");
      break;
    }
    default:
      throw new Error("Usage: scripts/db.ts deploy | status | diff | new <name>");
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
