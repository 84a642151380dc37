import type pg from "pg";
import type { Tx } from "@/lib/db/client";
import type { CanonicalRecord } from "./request-record-hash";

/**
 * Reads request records in seal order, (insertedAt, id), in their canonical form. Times stay
 * text: `insertedAt` has microseconds, which a JS Date would drop, and a cursor that lost them
 * would skip or repeat records. They travel back into SQL as `$n::timestamptz`.
 */
export type RecordCursor = { insertedAt: string; id: string };
export type StoredRecord = CanonicalRecord & { insertedAt: string; mac: string | null };

type Query = Pick<Tx, "$queryRawUnsafe">;

/** A plain pg client as a Query (the sealer's transaction runs on one, outside Prisma). */
export const rawQuery = (client: Pick<pg.ClientBase, "query">): Query => ({
  $queryRawUnsafe: (async (sql: string, ...values: unknown[]) => (await client.query(sql, values)).rows) as Query["$queryRawUnsafe"],
});

/** A timestamptz as ISO 8601 in UTC with microseconds, whatever the session's TimeZone and DateStyle. */
export const isoMicros = (sql: string) => `to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const isoMillis = (sql: string) => `to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SELECT_TENANT =
  `SELECT "id", "tenantId", "apiKeyId", "userId", "endpointId", "endpointName", "modelVersionId", "route", "stream", ` +
  `"inputHash", "inputTokens", "outputTokens", "tokensEstimated", "costUsd"::text AS "costUsd", "latencyMs", "ttftMs", ` +
  `"status", "errorCode", "attempts", ${isoMillis(`"createdAt"`)} AS "createdAt", "finishReason", "routedVersionId", "endUser", ${isoMicros(`"insertedAt"`)} AS "insertedAt", "mac" ` +
  `FROM "RequestRecord" WHERE "tenantId" = $1`;

/** The tenant's records with these ids, in no particular order. */
export async function readRecordsById(q: Query, tenantId: string, ids: string[]): Promise<StoredRecord[]> {
  return q.$queryRawUnsafe<StoredRecord[]>(`${SELECT_TENANT} AND "id" = ANY($2::text[])`, tenantId, ids);
}

export const cursorOf = (r: { insertedAt: string; id: string }): RecordCursor => ({ insertedAt: r.insertedAt, id: r.id });
