import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // These load WASM or native code at run time and must be required from node_modules,
  // not bundled, so the server and Next share one instance of each.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-pgvector",
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
    "pg",
    "bcryptjs",
  ],
  poweredByHeader: false,
  // Evaluation datasets and fine-tuning training files arrive through server actions: up to
  // 5,000,000 characters each (lib/evals/dataset.ts, lib/finetune/training.ts), past the 1 MB default.
  experimental: { serverActions: { bodySizeLimit: "6mb" } },
  typedRoutes: false,
};

export default nextConfig;
