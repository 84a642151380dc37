import type { ChainedContent } from "../chain";
import type { CanonicalRecord } from "../request-record-hash";

/**
 * The rows of an audit export, in CSV or JSONL, and back. Written by Keel, read by the offline
 * verifier (`npm run audit:verify`), which needs every field a row's hash or MAC covers exactly as
 * Keel hashed it: a change event's chained content, its links and signed head; a request record's
 * canonical fields and the seal that covers it.
 */
export type ExportFormat = "csv" | "jsonl";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["csv", "jsonl"];

export type ExportHead = { keyId: string; signature: string; signedAt: string };
export type ExportChange = { kind: "change"; id: string; prevHash: string; hash: string; head: ExportHead | null } & Omit<ChainedContent, "createdAt"> & {
  createdAt: string;
};
export type ExportRequest = { kind: "request"; seal: number | null } & CanonicalRecord;
export type ExportRow = ExportChange | ExportRequest;

type Column = { name: string; kind: "text" | "int" | "bool" | "json"; of: "both" | "change" | "request" };
/** The CSV's columns: both kinds of row share one header; a column the row's kind lacks is empty. */
export const CSV_COLUMNS: readonly Column[] = [
  { name: "kind", kind: "text", of: "both" },
  { name: "createdAt", kind: "text", of: "both" },
  { name: "id", kind: "text", of: "both" },
  { name: "tenantId", kind: "text", of: "both" },
  { name: "seq", kind: "int", of: "change" },
  { name: "actorType", kind: "text", of: "change" },
  { name: "actorId", kind: "text", of: "change" },
  { name: "actorLabel", kind: "text", of: "change" },
  { name: "action", kind: "text", of: "change" },
  { name: "resourceType", kind: "text", of: "change" },
  { name: "resourceId", kind: "text", of: "change" },
  { name: "before", kind: "json", of: "change" },
  { name: "after", kind: "json", of: "change" },
  { name: "ip", kind: "text", of: "change" },
  { name: "userAgent", kind: "text", of: "change" },
  { name: "requestId", kind: "text", of: "change" },
  { name: "prevHash", kind: "text", of: "change" },
  { name: "hash", kind: "text", of: "change" },
  { name: "headKeyId", kind: "text", of: "change" },
  { name: "headSignature", kind: "text", of: "change" },
  { name: "headSignedAt", kind: "text", of: "change" },
  { name: "apiKeyId", kind: "text", of: "request" },
  { name: "userId", kind: "text", of: "request" },
  { name: "endpointId", kind: "text", of: "request" },
  { name: "endpointName", kind: "text", of: "request" },
  { name: "modelVersionId", kind: "text", of: "request" },
  { name: "route", kind: "text", of: "request" },
  { name: "stream", kind: "bool", of: "request" },
  { name: "inputHash", kind: "text", of: "request" },
  { name: "inputTokens", kind: "int", of: "request" },
  { name: "outputTokens", kind: "int", of: "request" },
  { name: "tokensEstimated", kind: "bool", of: "request" },
  { name: "costUsd", kind: "text", of: "request" },
  { name: "latencyMs", kind: "int", of: "request" },
  { name: "ttftMs", kind: "int", of: "request" },
  { name: "status", kind: "int", of: "request" },
  { name: "errorCode", kind: "text", of: "request" },
  { name: "attempts", kind: "int", of: "request" },
  { name: "finishReason", kind: "text", of: "request" },
  { name: "routedVersionId", kind: "text", of: "request" },
  { name: "endUser", kind: "text", of: "request" },
  { name: "seal", kind: "int", of: "request" },
];

const headerOf = (columns: readonly Column[]) => `${columns.map((c) => c.name).join(",")}\r\n`;
export const CSV_HEADER = headerOf(CSV_COLUMNS);

/**
 * The columns of a CSV export by its header line: today's, or those of an export written before
 * records kept their end user, before that their routed version, or before that their finish
 * reason, which still verify.
 */
export function csvColumnsFor(header: string): readonly Column[] | null {
  const without = (...names: string[]) => CSV_COLUMNS.filter((c) => !names.includes(c.name));
  const earlier = [CSV_COLUMNS, without("endUser"), without("endUser", "routedVersionId"), without("endUser", "routedVersionId", "finishReason")];
  return earlier.find((columns) => header === headerOf(columns)) ?? null;
}

/** A row as one line of its format, line ending included. */
export function formatRow(format: ExportFormat, row: ExportRow): string {
  return format === "jsonl" ? `${JSON.stringify(row)}\n` : csvLine(row);
}

function csvLine(row: ExportRow): string {
  const flat = flatRow(row);
  return `${CSV_COLUMNS.map((c) => csvCell(c, flat[c.name])).join(",")}\r\n`;
}

function flatRow(row: ExportRow): Record<string, unknown> {
  if (row.kind === "request") return row;
  const { head, ...rest } = row;
  return { ...rest, headKeyId: head?.keyId ?? null, headSignature: head?.signature ?? null, headSignedAt: head?.signedAt ?? null };
}

/**
 * One cell. A null is a bare empty cell and a string is always quoted, so an empty string ("")
 * and a null stay apart. A string a spreadsheet would run as a formula (starting with = + - @, a
 * tab or a CR) gets a leading apostrophe, and so does one that starts with an apostrophe: the
 * reader takes exactly one off again.
 */
function csvCell(column: Column, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (column.kind === "int") return String(value);
  if (column.kind === "bool") return value ? "true" : "false";
  const text = column.kind === "json" ? JSON.stringify(value) : String(value);
  const guarded = /^[=+\-@\t\r']/.test(text) ? `'${text}` : text;
  return `"${guarded.replaceAll('"', '""')}"`;
}

/** Reads one CSV record from `text` at `pos`: its cells (with whether each was quoted) and where the next starts. */
export function readCsvRecord(text: string, pos: number): { cells: { value: string; quoted: boolean }[]; next: number } {
  const cells: { value: string; quoted: boolean }[] = [];
  let i = pos;
  for (;;) {
    let value = "";
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new Error("an unterminated quoted cell");
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const end = nextDelimiter(text, i);
      value = text.slice(i, end);
      i = end;
    }
    cells.push({ value, quoted });
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r" && text[i + 1] === "\n") return { cells, next: i + 2 };
    if (text[i] === "\n") return { cells, next: i + 1 };
    if (i >= text.length) return { cells, next: i };
    throw new Error(`unexpected ${JSON.stringify(text[i])} after a cell`);
  }
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === "," || text[i] === "\n" || text[i] === "\r") return i;
  return text.length;
}

/** A CSV record back into a row, or an error that says which column is wrong. */
export function parseCsvRow(cells: { value: string; quoted: boolean }[], columns: readonly Column[] = CSV_COLUMNS): ExportRow {
  if (cells.length !== columns.length) throw new Error(`${cells.length} cells where the header has ${columns.length}`);
  const flat: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    const { value, quoted } = cells[i];
    if (!quoted && value === "") return void (flat[c.name] = null);
    if (c.kind === "int") {
      if (!/^-?\d+$/.test(value)) throw new Error(`${c.name} is not a whole number`);
      flat[c.name] = Number(value);
    } else if (c.kind === "bool") {
      if (value !== "true" && value !== "false") throw new Error(`${c.name} is not true or false`);
      flat[c.name] = value === "true";
    } else {
      if (!quoted) throw new Error(`${c.name} is text but not quoted`);
      const text = value.startsWith("'") ? value.slice(1) : value;
      flat[c.name] = c.kind === "json" ? JSON.parse(text) : text;
    }
  });
  const kind = flat.kind;
  const pick = (of: "change" | "request") => Object.fromEntries(columns.filter((c) => c.of === "both" || c.of === of).map((c) => [c.name, flat[c.name]]));
  if (kind === "request") return pick("request") as ExportRequest;
  if (kind !== "change") throw new Error(`kind ${JSON.stringify(kind)} is neither change nor request`);
  const { headKeyId, headSignature, headSignedAt, ...rest } = pick("change");
  const head = headKeyId == null ? null : { keyId: String(headKeyId), signature: String(headSignature), signedAt: String(headSignedAt) };
  return { ...rest, head } as ExportChange;
}
