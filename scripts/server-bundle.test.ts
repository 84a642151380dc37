import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleServer } from "./server-bundle";

const root = path.resolve(import.meta.dirname, "..");
let dir: string;
let code: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-bundle-"));
  code = fs.readFileSync(await bundleServer(root, path.join(dir, "server.mjs")), "utf8");
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The packages the bundle imports when it loads (static imports), by specifier. */
const loadTimeImports = (source: string) => [...source.matchAll(/^import\s+(?:[^;]*?from\s*)?"([^"]+)";?$/gm)].map((m) => m[1]);

/** This process's children running esbuild. */
const esbuildChildren = () =>
  fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid && fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes("esbuild");
      } catch {
        return false;
      }
    });

describe("the production server's bundle (npm start)", () => {
  it("leaves no esbuild service running beside Keel once built", () => {
    expect(esbuildChildren()).toEqual([]);
  });

  it("defines no function names at run time (no keepNames helper)", () => {
    expect(code).not.toMatch(/\b__name\(/);
    expect(code).toContain("createGatewayHandler");
  });

  it("loads no Next, React or NextAuth until the console shares the process, and then Next's server from source", () => {
    const imports = loadTimeImports(code);
    expect(imports).toContain("undici");
    for (const specifier of imports) expect(specifier).not.toMatch(/^(next|next-auth|react|react-dom)(\/|$)/);
    expect(code).toContain(`import(${JSON.stringify(pathToFileURL(path.join(root, "lib/server/next-console.ts")).href)})`);
  });

  it("keeps each module's own import.meta.url, so files beside a module are found where the sources are", () => {
    expect(code).not.toMatch(/import\.meta\.(url|dirname|filename|resolve)/);
    // The embedded database's worker, resolved from lib/db/embedded.ts.
    expect(code).toContain(`new URL("./embedded-worker.mjs", ${JSON.stringify(pathToFileURL(path.join(root, "lib/db/embedded.ts")).href)})`);
  });
});
