// The production server as one ES module, built by `npm start` (scripts/start.ts) beside the
// console's build. tsx, which runs the sources in development and tests, compiles every function
// with esbuild's keepNames: each closure the gateway makes per request then pays a call that
// defines its `name` (measured: 3–4 % of the gateway's main thread under load). The bundle is the
// same sources compiled once without it; packages stay in node_modules, imported as they are.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

export const SERVER_BUNDLE = ".next/keel-server/server.mjs";

/**
 * Each module keeps its own `import.meta.url`, as it has when run from source: paths such as the
 * embedded database's worker file and the migrations folder are resolved from where the module is,
 * not from where the bundle is.
 */
const ownImportMetaUrl = (root: string): Plugin => ({
  name: "keel-own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !args.path.startsWith(root)) return undefined;
      const source = fs.readFileSync(args.path, "utf8");
      const contents = source.includes("import.meta.url") ? source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)) : source;
      return { contents, loader: args.path.endsWith("x") ? "tsx" : "ts" };
    });
  },
});

/**
 * The console's Next server stays out of the bundle: a bundle hoists the packages its modules
 * import, and a gateway whose console runs in a process of its own must never load Next. It is
 * imported from source, through tsx, when the console shares the process.
 */
const nextConsoleFromSource = (root: string): Plugin => ({
  name: "keel-next-console-from-source",
  setup(b) {
    b.onResolve({ filter: /^@\/lib\/server\/next-console$/ }, () => ({ path: pathToFileURL(path.join(root, "lib/server/next-console.ts")).href, external: true }));
  },
});

/** Bundles server.ts into `out` (SERVER_BUNDLE; written whole, then renamed into place); returns its path. */
export async function bundleServer(root: string, out = path.join(root, SERVER_BUNDLE)): Promise<string> {
  const partial = `${out}.${process.pid}.partial`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "server.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node}`,
    packages: "external",
    sourcemap: "inline",
    keepNames: false,
    logLevel: "warning",
    plugins: [nextConsoleFromSource(root), ownImportMetaUrl(root)],
  });
  fs.renameSync(partial, out);
  return out;
}
