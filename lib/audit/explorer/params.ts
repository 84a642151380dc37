/**
 * The explorer's URL parameters, apart from their schema (filters.ts): the browser's filter bar
 * builds URLs with these, and importing zod's object schemas into the browser would make zod probe
 * `new Function`, which the console's content security policy refuses (and reports).
 */
/** The search params the explorer's filter names use, in the order the URL shows them. */
export const FILTER_PARAMS = ["kind", "from", "to", "actor", "action", "resource", "endpoint", "version", "outcome", "request", "input", "user"] as const;

/** A link to the explorer with these filters (and nothing else: a new view starts on its first page). */
export function explorerHref(base: string, filters: Partial<Record<(typeof FILTER_PARAMS)[number] | "open" | "order", string>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
