// Module hooks for `npm start` (registered by scripts/start.ts): the server's bundle is loaded as
// esbuild wrote it. tsx's loader, registered earlier, would otherwise rewrite it (it rewrites every
// module with a dynamic import) and put its own source map over esbuild's, so stack traces would
// name the bundle instead of the sources. Hooks registered later run first.
import fs from "node:fs";
import { fileURLToPath } from "node:url";

let bundleUrl = "";

export function initialize(data) {
  bundleUrl = data.bundleUrl;
}

export async function load(url, context, nextLoad) {
  if (url !== bundleUrl) return nextLoad(url, context);
  return { format: "module", source: fs.readFileSync(fileURLToPath(url), "utf8"), shortCircuit: true };
}
