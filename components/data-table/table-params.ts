/** A server-paged table's place, as the page reads it from the URL that DataTable writes. */
export type TableParams<S extends string> = { page: number; sort: S; dir: "asc" | "desc"; /** `sort.dir`, for DataTable's `sort` prop. */ sortParam: string };

/**
 * Reads `page` and `sort` (`field.asc|desc`) from a page's search params. Unknown fields and
 * directions fall back to the default, so a hand-edited URL never reaches the query.
 */
export function readTableParams<S extends string>(
  search: { page?: string; sort?: string },
  sorts: readonly S[],
  fallback: { sort: S; dir: "asc" | "desc" },
): TableParams<S> {
  const page = Math.max(1, Number.parseInt(search.page ?? "1", 10) || 1);
  const [field, dir] = (search.sort ?? "").split(".");
  const known = sorts.includes(field as S);
  const sort = known ? (field as S) : fallback.sort;
  const direction = known && (dir === "asc" || dir === "desc") ? dir : fallback.dir;
  return { page, sort, dir: direction, sortParam: `${sort}.${direction}` };
}
