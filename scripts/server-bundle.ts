// The production server as one ES module, built by `npm start` (scripts/start.ts) beside the
// console's build. tsx, which runs the sources in development and tests, compiles every function
// with esbuild's keepNames: each closure the gateway makes per request then pays a call that
// defines its `name` (measured: 3–4 % of the gateway's main thread under load). The bundle is the
// same sources compiled once without it; packages stay in node_modules, imported as they are.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, stop, type Plugin } from "esbuild";

/** Inside the checkout, so the packages it imports are found in node_modules; outside `.next`, which `next build` empties. */
export const SERVER_BUNDLE = ".keel-server/server.mjs";

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
      const contents = source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
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
  try {
    return await writeBundle(root, out);
  } finally {
    // esbuild's service is a child process that would otherwise live as long as Keel.
    await stop();
  }
}

async function writeBundle(root: string, out: string): Promise<string> {
  const built = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "server.ts")],
    outfile: out,
    write: false,
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
  const text = built.outputFiles[0].text;
  // A module whose location the plugin did not pin would look for its files beside the bundle.
  const left = /import\.meta\.(url|dirname|filename|resolve)/.exec(text);
  if (left) throw new Error(`the server bundle still reads ${left[0]}: give ownImportMetaUrl that module`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // A file of its own (never one already there), renamed into place: a Keel starting meanwhile
  // imports the whole of one bundle or the other.
  const partial = `${out}.${crypto.randomUUID()}.partial`;
  fs.writeFileSync(partial, text, { flag: "wx", mode: 0o644 });
  fs.renameSync(partial, out);
  return out;
}
