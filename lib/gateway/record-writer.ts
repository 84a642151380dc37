import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { reportCommittedRecords, sealerListening, type CommittedRecord } from "@/lib/audit/committed-records";
import { CANONICAL_TAG_LENGTH, RECORD_FIELDS, canonicalRecord, costText, deriveMacKeys, recordLeaf, recordMac, type CanonicalRecord, type MacKey } from "@/lib/audit/request-record-hash";
import { getDatabase } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { StoredContent } from "@/lib/privacy/content";
import { LONE_SURROGATE } from "./schemas";

/** A request record to write; `content` (redacted) only for tenants that keep request content. */
export type RequestRecordRow = Prisma.RequestRecordCreateManyInput & { id: string; content?: StoredContent };

/** Under load (a batch this big), the next batch gathers for LINGER_MS more before it is written. */
const LINGER_AFTER_ROWS = 8;
const LINGER_MS = 1;

type Waiter = { row: RequestRecordRow; resolve: () => void; reject: (error: unknown) => void };

/** What an insert leaves to do once its records' waiters are released: storing their content. */
export type AfterCommit = () => Promise<void>;

/**
 * Group commit for request records. `write()` resolves once the record's batch has committed, so
 * callers can hold the end of their response until the record is durable. While one INSERT is in
 * flight, records arriving meanwhile collect into the next one: at low load each record commits
 * alone at once, under load hundreds share a statement. One writer at a time also keeps the
 * embedded database's single connection free for everything else between batches.
 */
export class RecordWriter {
  private queue: Waiter[] = [];
  private writing = 0;
  private busy = false;
  private drained: (() => void)[] = [];

  constructor(
    private readonly insert: (rows: RequestRecordRow[]) => Promise<AfterCommit | void> = commitRequestRecords,
    private readonly maxBatch = 500,
  ) {}

  /** Queues a record; resolves when it is committed, rejects when its batch failed. */
  write(row: RequestRecordRow): Promise<void> {
    let problem: string | null;
    try {
      problem = recordProblem(row);
    } catch (error) {
      problem = `it could not be checked (${(error as Error).message})`;
    }
    if (problem) {
      console.error(`[gateway] request record ${JSON.stringify(row.id)} refused: ${problem}`);
      return Promise.reject(new Error(`the request record was refused: ${problem}`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Records completing in this same task join the first batch; later ones wait for the next.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /** Records not yet committed: queued, and in the batch being written. */
  get pending(): number {
    return this.queue.length + this.writing;
  }

  /** Resolves when every record queued so far has been written (or has failed). */
  flush(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async drain() {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing = batch.length;
      let after: AfterCommit | void = undefined;
      try {
        after = await this.insert(batch.map((w) => w.row));
        for (const w of batch) w.resolve();
      } catch (error) {
        console.error(`[gateway] could not write ${batch.length} request record(s):`, error);
        for (const w of batch) w.reject(error);
      }
      this.writing = 0;
      // Content waits for no response: the records are what a response waits for.
      if (after) await after().catch((error: unknown) => console.error("[gateway] storing request content failed:", error));
      // A big batch means load: let the next one gather a moment longer. Each INSERT costs the
      // embedded database about ten rows' worth of CPU on top of its rows, and under load that
      // CPU is what the gateway's latency is made of (measured: 1 ms turns batches of ~11 rows
      // at 32 connections into ~14, for ~10% less CPU per request and a lower p50).
      if (batch.length >= LINGER_AFTER_ROWS && this.queue.length < batch.length) await sleep(LINGER_MS);
    }
    this.busy = false;
    for (const resolve of this.drained.splice(0)) resolve();
  }
}

const TEXT_FIELDS = ["id", "tenantId", "apiKeyId", "userId", "endpointId", "endpointName", "modelVersionId", "route", "inputHash", "errorCode", "finishReason", "routedVersionId", "endUser"] as const;
const REQUIRED_TEXT = new Set<string>(["id", "tenantId", "route"]);
const INT_FIELDS = ["inputTokens", "outputTokens", "latencyMs", "ttftMs", "status", "attempts"] as const;
const REQUIRED_INT = new Set<string>(["latencyMs", "status"]);
const INT4_MAX = 2 ** 31 - 1;
/** numeric(14,8) holds less than a million. */
const COST_LIMIT = 1e6;

/**
 * Why the database would refuse this record, or null. A batch is one statement with many tenants'
 * records in it, and one record refused fails them all: so a record is checked alone, before it
 * joins a batch, and refused alone (its request answers 500 record_failed). The gateway keeps such
 * values out before they get here (the request schema refuses NUL and half surrogate pairs in what
 * a caller names, readUsage bounds token counts, the cost is capped); this keeps a slip in one of
 * those from failing other tenants' requests.
 */
export function recordProblem(row: RequestRecordRow): string | null {
  for (const field of TEXT_FIELDS) {
    const value: unknown = row[field];
    if (value === null || value === undefined) {
      if (REQUIRED_TEXT.has(field)) return `${field} is missing`;
    } else if (typeof value !== "string") return `${field} is not text`;
    // Neither NUL nor half a surrogate pair goes in jsonb or text as it was signed.
    else if (value.includes("\u0000") || LONE_SURROGATE.test(value)) return `${field} holds NUL or half a surrogate pair`;
  }
  for (const field of INT_FIELDS) {
    const value: unknown = row[field];
    if (value === null || value === undefined) {
      if (REQUIRED_INT.has(field)) return `${field} is missing`;
    } else if (!Number.isInteger(value) || Math.abs(value as number) > INT4_MAX) return `${field} is not an integer its column holds`;
  }
  try {
    if (Math.abs(Number(costText(row.costUsd))) >= COST_LIMIT) return "costUsd is a million or more";
  } catch {
    return "costUsd is not a number";
  }
  const created = new Date(row.createdAt as Date | string);
  const year = created.getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) return "createdAt is not a date its column holds";
  return null;
}

/** Each column's SQL type, in RECORD_FIELDS order (the canonical string's). */
const COLUMN_TYPES: Record<(typeof RECORD_FIELDS)[number], string> = {
  id: "text", tenantId: "text", apiKeyId: "text", userId: "text", endpointId: "text", endpointName: "text",
  modelVersionId: "text", route: "text", stream: "bool", inputHash: "text", inputTokens: "int4", outputTokens: "int4",
  tokensEstimated: "bool", costUsd: "numeric", latencyMs: "int4", ttftMs: "int4", status: "int4", errorCode: "text",
  attempts: "int4", createdAt: "timestamptz", finishReason: "text", routedVersionId: "text", endUser: "text",
};

/**
 * One statement text whatever the batch size, with one parameter: a jsonb array holding, per
 * record, its MAC and then its canonical string's fields (`[mac, id, tenantId, …]`). The canonical
 * string is a JSON array already (it is what the MAC and the Merkle leaf are computed over), so a
 * record is serialised once, and the row stored is the one signed. A field a shorter canonical
 * form leaves out (finish reason, routed version, end user) reads as NULL. Measured against 24
 * text arrays: PostgreSQL's work per row the same, the gateway's thread spared encoding them.
 */
const INSERT_SQL =
  `INSERT INTO "RequestRecord" ("mac", ${RECORD_FIELDS.map((c) => `"${c}"`).join(", ")}) ` +
  `SELECT r->>0, ${RECORD_FIELDS.map((c, i) => (COLUMN_TYPES[c] === "text" ? `r->>${i + 1}` : `(r->>${i + 1})::${COLUMN_TYPES[c]}`)).join(", ")} ` +
  `FROM jsonb_array_elements($1::jsonb) AS r`;
const INSERT_NEW_SQL = `${INSERT_SQL} ON CONFLICT ("id") DO NOTHING RETURNING "id"`;

/**
 * The writer's insert function for a signing key spec: records get a MAC under the key derived from
 * its first key (none when the spec is null).
 */
export function recordInserter(signingKeySpec: string | null): (rows: RequestRecordRow[]) => Promise<AfterCommit | void> {
  const macKey = signingKeySpec ? deriveMacKeys(signingKeySpec)[0] : null;
  return (rows) => commitRequestRecords(rows, macKey);
}

const UNIQUE_VIOLATION = "23505";

/** Writes request records and then their content, if any (see commitRequestRecords). */
export async function insertRequestRecords(rows: RequestRecordRow[], macKey: MacKey | null = null): Promise<void> {
  const after = await commitRequestRecords(rows, macKey);
  if (after) await after();
}

/**
 * One multi-row INSERT on the app's shared pool. Raw SQL rather than Prisma's createMany: the
 * query compiler cost more CPU per batch than the rest of the request path together (measured).
 * Record ids are request ids, which a caller may reuse through `x-request-id`; a reused id is
 * stored with a random suffix instead of losing the record. Returns, when some records carry
 * content (tenants that keep it), the step that stores it under each record's final id: the writer
 * runs it once the records' waiters are released.
 */
export async function commitRequestRecords(rows: RequestRecordRow[], macKey: MacKey | null = null): Promise<AfterCommit | undefined> {
  const stored = await insertRecords(rows, macKey);
  let contents: RequestRecordRow[] | null = null;
  for (const row of stored) if (row.content) (contents ??= []).push(row);
  return contents ? () => insertContents(contents) : undefined;
}

/** The records' INSERT; returns the rows as stored, with their final ids. */
async function insertRecords(rows: RequestRecordRow[], macKey: MacKey | null): Promise<RequestRecordRow[]> {
  const seen = new Set<string>();
  const unique = rows.map((row) => {
    const id = seen.has(row.id) ? suffixed(row.id) : row.id;
    seen.add(id);
    return id === row.id ? row : { ...row, id };
  });
  // A plain INSERT first: ON CONFLICT ... RETURNING costs about 15% more per row in the embedded
  // database (measured), and reused ids are rare. When one clashes the statement changed nothing,
  // and the batch goes again the slow way, which finds the clashing ids.
  try {
    await insertRows("keel_insert_request_records_plain", INSERT_SQL, unique, macKey);
    return unique;
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
  }
  const stored = new Set((await insertRows("keel_insert_new_request_records", INSERT_NEW_SQL, unique, macKey)).map((r) => r.id));
  if (stored.size === unique.length) return unique;
  const clashed = unique.filter((row) => !stored.has(row.id)).map((row) => ({ ...row, id: suffixed(row.id) }));
  const again = new Set((await insertRows("keel_insert_new_request_records", INSERT_NEW_SQL, clashed, macKey)).map((r) => r.id));
  return [...unique.filter((row) => stored.has(row.id)), ...clashed.filter((row) => again.has(row.id))];
}

const CONTENT_SQL =
  `INSERT INTO "RequestContent" ("id", "tenantId", "input", "output", "redactions", "createdAt", "expiresAt") ` +
  `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::timestamptz[], $7::timestamptz[]) ` +
  `ON CONFLICT ("id") DO NOTHING`;

/** Content per statement, in characters: a batch of 500 records could carry 250 MB of it. */
const CONTENT_CHARS_PER_STATEMENT = 8 * 1024 * 1024;

/**
 * The content rows of records just committed, in statements of their own: a failure here is
 * logged and the records stay, since a record is never lost for its content.
 */
async function insertContents(rows: RequestRecordRow[]): Promise<void> {
  let values: unknown[][] = [[], [], [], [], [], [], []];
  let chars = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const c = row.content!;
    values[0].push(row.id);
    values[1].push(row.tenantId);
    values[2].push(c.input);
    values[3].push(c.output);
    values[4].push(c.redactions);
    values[5].push(row.createdAt);
    values[6].push(c.expiresAt);
    chars += c.input.length + (c.output?.length ?? 0);
    if (chars < CONTENT_CHARS_PER_STATEMENT && i < rows.length - 1) continue;
    try {
      await getDatabase().pool.query({ name: "keel_insert_request_contents", text: CONTENT_SQL, values });
    } catch (error) {
      const ids = values[0] as string[];
      console.error(`[gateway] could not store the content of ${ids.length} request(s) from ${ids[0]}; their records are kept:`, error);
    }
    values = [[], [], [], [], [], [], []];
    chars = 0;
  }
}

async function insertRows(name: string, text: string, rows: RequestRecordRow[], macKey: MacKey | null): Promise<{ id: string }[]> {
  // Stored exactly as canonicalised (defaults filled, cost as numeric text), so the MAC computed
  // here matches the row the database returns. The id is final here, after any clash suffix.
  const elements = new Array<string>(rows.length);
  const committed: CommittedRecord[] | null = sealerListening() ? new Array(rows.length) : null;
  for (let i = 0; i < rows.length; i++) {
    const record = toCanonical(rows[i]);
    const canonical = canonicalRecord(record);
    const mac = macKey ? recordMac(macKey, canonical) : null;
    // "rrN[field, …]" becomes "[mac, field, …]".
    elements[i] = `[${mac === null ? "null" : JSON.stringify(mac)},${canonical.slice(CANONICAL_TAG_LENGTH + 1)}`;
    if (committed) committed[i] = { tenantId: record.tenantId, id: record.id, mac, leaf: recordLeaf(canonical) };
  }
  // Named, so each connection parses and plans the statement once.
  const result = await getDatabase().pool.query<{ id: string }>({ name, text, values: [`[${elements.join(",")}]`] });
  if (committed) {
    // After an id clash, only the rows this statement stored (RETURNING) are this writer's.
    const stored = text === INSERT_SQL ? null : new Set(result.rows.map((r) => r.id));
    reportCommittedRecords(stored ? committed.filter((c) => stored.has(c.id)) : committed);
  }
  return result.rows;
}

/** A row as the database will store it: the column defaults applied, the cost as numeric(14,8) text. */
export function toCanonical(row: RequestRecordRow): CanonicalRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    apiKeyId: row.apiKeyId ?? null,
    userId: row.userId ?? null,
    endpointId: row.endpointId ?? null,
    endpointName: row.endpointName ?? null,
    modelVersionId: row.modelVersionId ?? null,
    route: row.route,
    stream: row.stream ?? false,
    inputHash: row.inputHash ?? null,
    inputTokens: row.inputTokens ?? 0,
    outputTokens: row.outputTokens ?? 0,
    tokensEstimated: row.tokensEstimated ?? false,
    costUsd: costText(row.costUsd),
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs ?? null,
    status: row.status,
    errorCode: row.errorCode ?? null,
    attempts: row.attempts ?? 1,
    createdAt: (row.createdAt instanceof Date ? row.createdAt : new Date(row.createdAt)).toISOString(),
    finishReason: row.finishReason ?? null,
    routedVersionId: row.routedVersionId ?? null,
    endUser: row.endUser ?? null,
  };
}

const suffixed = (id: string) => `${id}~${crypto.randomBytes(4).toString("hex")}`;
