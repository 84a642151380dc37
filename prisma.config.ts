import { defineConfig } from "prisma/config";

// Prisma's CLI does not read .env, and on the embedded default there is no DATABASE_URL:
// migrations run through scripts/db.ts, which starts the embedded database itself.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/keel" },
});
