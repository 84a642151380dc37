import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // These load WASM or native code at run time and must be required from node_modules,
  // not bundled, so the server and Next share one instance of each.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "@electric-sql/pglite-pgvector",
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
    "pg",
    "bcryptjs",
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
