import fs from "node:fs";
import path from "node:path";

/**
 * The node arguments `npm start` runs Keel with, read from package.json, so that the benchmark and
 * the browser tests start Keel exactly as a user does, V8 flags included.
 */
export function startArgs(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== "node") throw new Error(`package.json's start script must run node directly, not ${command}`);
  return args;
}
