/** One field of a change event's before/after, by its path. */
export type DiffLine = { path: string; change: "added" | "removed" | "changed" | "same"; before?: string; after?: string };

const MAX_LINES = 500;

/**
 * What a change event changed, field by field: both sides flattened to paths (`a.b`, `list[2]`),
 * each leaf shown as JSON. Fields that did not change are kept (marked `same`) so the reader sees
 * the whole record; at most 500 lines.
 */
export function diffJson(before: unknown, after: unknown): DiffLine[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const lines: DiffLine[] = [];
  for (const path of paths) {
    if (lines.length >= MAX_LINES) break;
    const was = a.get(path);
    const now = b.get(path);
    if (was === undefined) lines.push({ path, change: "added", after: now });
    else if (now === undefined) lines.push({ path, change: "removed", before: was });
    else lines.push({ path, change: was === now ? "same" : "changed", before: was, after: now });
  }
  return lines;
}

function flatten(value: unknown, path = "", out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (value === undefined || (value === null && path === "")) return out;
  const container = value !== null && typeof value === "object";
  const entries = container ? (Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v] as const)) : [];
  if (!container || entries.length === 0 || depth >= 8 || out.size >= MAX_LINES) {
    out.set(path || "(value)", JSON.stringify(value) ?? "null");
    return out;
  }
  for (const [key, child] of entries) flatten(child, `${path}${key}`, out, depth + 1);
  return out;
}
