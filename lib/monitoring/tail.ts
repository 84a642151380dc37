/**
 * SQL for a tenant's request records the rollups have not counted yet: those after its rollup
 * cursor (lib/monitoring/rollup.ts), which a reader adds to the rollups in the same statement (one
 * snapshot, so nothing is counted twice or missed). `$1` is the tenant; `where` adds conditions on
 * `r`. The records come in the cursor's order and at most `limit` of them: with the order and a
 * limit the planner reads the (tenantId, insertedAt, id) index from the cursor on, where without
 * them it cannot tell how few records follow the cursor and may scan the whole table (measured:
 * 188 ms at 500,000 records, against 0.1 ms). A reader that gets `limit` rows is short by the rest
 * and says so: the rollups are far behind, as on a first start over a long history.
 */
export function tailRecordsSql(columns: string, where: string, limit: number): string {
  return `SELECT ${columns} FROM "RequestRecord" r
    WHERE r."tenantId" = $1
      AND (r."insertedAt", r."id") > ((SELECT coalesce(max(c."lastInsertedAt"), '-infinity'::timestamptz) FROM "RollupCursor" c WHERE c."tenantId" = $1),
                                      (SELECT coalesce(max(c."lastId"), '') FROM "RollupCursor" c WHERE c."tenantId" = $1))
      AND ${where}
    ORDER BY r."insertedAt", r."id" LIMIT ${Math.floor(limit)}`;
}

/** How many tail records a chart or report adds at most before it says it is incomplete. */
export const TAIL_LIMIT = 20_000;
