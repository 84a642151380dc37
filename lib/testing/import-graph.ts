import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const SPECIFIERS = /(?:^|[^.\w])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|[^.\w])import\s*["']([^"']+)["']|(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g;

/** A package a file reaches, and the chain of local files through which it does. */
export type PackageUse = { pkg: string; chain: string[] };

/**
 * Every package the TypeScript files under `dir` (tests aside) import, directly or through the
 * local files they import (`@/…` and relative paths), with one chain that shows how. Imports are
 * read from the source text, type-only ones included.
 */
export function packagesReachedFrom(dir: string): PackageUse[] {
  const start = fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => path.join(dir, f));
  const seen = new Map<string, string[]>(start.map((f) => [f, [rel(f)]]));
  const queue = [...start];
  const uses = new Map<string, PackageUse>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    const chain = seen.get(file)!;
    for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
      const local = resolveLocal(file, spec);
      if (local === null) {
        const pkg = packageName(spec);
        if (!uses.has(pkg)) uses.set(pkg, { pkg, chain });
      } else if (local !== undefined && !seen.has(local)) {
        seen.set(local, [...chain, rel(local)]);
        queue.push(local);
      }
    }
  }
  return [...uses.values()];
}

function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIERS)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The local file a specifier names; null for a package; undefined for a local path with no source file (a generated or data file). */
function resolveLocal(from: string, spec: string): string | null | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (/\.tsx?$/.test(candidate) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** `next/server` → `next`, `@scope/pkg/x` → `@scope/pkg`, `node:fs` stays. */
function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const rel = (file: string) => path.relative(ROOT, file);
