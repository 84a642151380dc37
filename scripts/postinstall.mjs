// Generates the Prisma client after install. Prisma's CLI tries to download a native schema
// engine first, which is neither needed for `generate` nor reachable offline: point it at
// /bin/false so generation runs on the WASM engines that ship in the npm packages.
import { execFileSync } from "node:child_process";

execFileSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
});
