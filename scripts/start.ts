// `npm start`: builds the console when its sources changed since the last build, bundles the
// server (scripts/server-bundle.ts), then starts it in production mode.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { STAMP_FILE, sourceHash } from "./build-stamp";
import { bundleServer } from "./server-bundle";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
(process.env as Record<string, string>).NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";

if (!fs.existsSync("lib/db/generated/client.ts")) {
  execFileSync("node", ["scripts/postinstall.mjs"], { stdio: "inherit" });
}
const hash = sourceHash(root);
const built = fs.existsSync(".next/BUILD_ID") && fs.existsSync(STAMP_FILE) && fs.readFileSync(STAMP_FILE, "utf8") === hash;
if (!built) {
  console.log("[keel] building the console (first start, or the sources changed)…");
  execFileSync("npx", ["next", "build"], { stdio: "inherit" });
  fs.writeFileSync(STAMP_FILE, hash);
}
// The server runs from its bundle (scripts/server-bundle.ts, half a second to build), made afresh
// at each start so it is always the sources as they are; where it cannot be written (a read-only
// checkout), from its sources through tsx, as before.
let bundle: string | null = null;
try {
  bundle = pathToFileURL(await bundleServer(root)).href;
} catch (error) {
  console.warn(`[keel] could not bundle the server (${error instanceof Error ? error.message : String(error)}); running it from its sources`);
}
if (bundle) {
  register("./bundle-hooks.mjs", import.meta.url, { data: { bundleUrl: bundle } });
  await import(bundle);
} else {
  await import("../server.ts");
}
