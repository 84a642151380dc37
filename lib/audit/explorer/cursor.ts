/**
 * Where a page of the audit explorer starts: the last row shown, as (time, kind, id). Change events
 * sort before request records at the same millisecond, and ids break the remaining ties, so the
 * order is total and a page never repeats or skips a row, whatever arrives meanwhile.
 */
export type Cursor = { at: Date; rank: 0 | 1; id: string };

/** The kind's place in the order: changes first. */
export const RANK = { change: 0, request: 1 } as const;

/** Opaque in URLs: base64url of `[ms, rank, id]`. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at.getTime(), c.rank, c.id])).toString("base64url");
}

/** The cursor in a URL, or null when it is not one the explorer wrote. */
export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [ms, rank, id] = value;
    if (!Number.isSafeInteger(ms) || (rank !== 0 && rank !== 1) || typeof id !== "string" || !/^[\x21-\x7e]{1,200}$/.test(id)) return null;
    const at = new Date(ms);
    // Years PostgreSQL reads back from ISO text: a crafted one past them would fail the query (a 500).
    return Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.getUTCFullYear() > 9999 ? null : { at, rank, id };
  } catch {
    return null;
  }
}

/** Compares two rows' places in ascending order. */
export function compareCursors(a: Cursor, b: Cursor): number {
  return a.at.getTime() - b.at.getTime() || a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
