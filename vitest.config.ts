import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // `server-only` throws outside Next's server bundle; tests run that code directly.
  "server-only": path.resolve(import.meta.dirname, "lib/testing/empty-module.ts"),
};

const integration = (name: string, db: string) => ({
  resolve: { alias },
  test: {
    name,
    include: ["lib/**/*.int.test.ts"],
    env: { KEEL_TEST_DB: db },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "components/**/*.test.ts"], exclude: ["lib/**/*.int.test.ts"], testTimeout: 60_000 } },
      integration("embedded", "embedded"),
      integration("postgres", "postgres"),
    ],
  },
});
