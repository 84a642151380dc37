/**
 * Evaluation datasets as people write them: JSONL (one case per line) or CSV (a header row, then
 * one case per row). A case is what to ask (`input`, one user message, or `messages`, a chat) and
 * what a scorer compares the answer with: `expected` (exact, contains, regex, similarity), `schema`
 * (JSON Schema) or `rubric` (a judge). Shared by the console's import and the `keel eval` CLI, so a
 * file that runs in one runs in the other. No Node or database imports.
 */

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type EvalCaseInput = {
  messages: ChatMessage[];
  expected: string | null;
  rubric: string | null;
  schema: Record<string, unknown> | null;
};

export const MAX_CASES = 5_000;
export const MAX_DATASET_CHARS = 5_000_000;
export const MAX_FIELD_CHARS = 32_000;

export class DatasetError extends Error {}

const ROLES = new Set(["system", "user", "assistant"]);

/** Parses a dataset file by its format, or throws a DatasetError naming the line or row and what is wrong. */
export function parseDataset(text: string, format: "jsonl" | "csv"): EvalCaseInput[] {
  if (text.length > MAX_DATASET_CHARS) throw new DatasetError(`The file is larger than ${MAX_DATASET_CHARS.toLocaleString("en-US")} characters.`);
  const cases = format === "jsonl" ? fromJsonl(text) : fromCsv(text);
  if (cases.length === 0) throw new DatasetError("The file holds no cases.");
  if (cases.length > MAX_CASES) throw new DatasetError(`The file holds ${cases.length} cases; a dataset holds at most ${MAX_CASES.toLocaleString("en-US")}.`);
  return cases;
}

/** The format a file name suggests: .csv is CSV, anything else JSONL. */
export const formatOf = (fileName: string): "jsonl" | "csv" => (/\.csv$/i.test(fileName) ? "csv" : "jsonl");

function fromJsonl(text: string): EvalCaseInput[] {
  const cases: EvalCaseInput[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DatasetError(`Line ${i + 1} is not JSON.`);
    }
    cases.push(toCase(value, `Line ${i + 1}`));
  });
  return cases;
}

function fromCsv(text: string): EvalCaseInput[] {
  const rows = csvRows(text);
  if (rows.length === 0) throw new DatasetError("The file holds no header row.");
  const header = rows[0].map((h) => h.trim().toLowerCase());
  if (!header.includes("input")) throw new DatasetError('The header row needs an "input" column (and may have "expected", "rubric", "schema", "system").');
  const known = new Set(["input", "expected", "rubric", "schema", "system"]);
  const unknown = header.filter((h) => !known.has(h));
  if (unknown.length) throw new DatasetError(`The header row names unknown columns: ${unknown.join(", ")}.`);
  // Rows are numbered as the file has them, blank ones included, the header being row 1.
  const numbered = rows.map((cells, i) => ({ cells, at: `Row ${i + 1}` })).slice(1).filter((r) => r.cells.some((cell) => cell !== ""));
  return numbered.map(({ cells, at }) => {
    if (cells.length !== header.length) throw new DatasetError(`${at} has ${cells.length} cells where the header has ${header.length}.`);
    const get = (name: string) => {
      const j = header.indexOf(name);
      return j < 0 || cells[j] === "" ? undefined : cells[j];
    };
    let schema: unknown;
    const schemaText = get("schema");
    if (schemaText !== undefined) {
      try {
        schema = JSON.parse(schemaText);
      } catch {
        throw new DatasetError(`${at}: the schema is not JSON.`);
      }
    }
    const system = get("system");
    const input = get("input");
    return toCase({ ...(system ? { messages: [{ role: "system", content: system }, { role: "user", content: input ?? "" }] } : { input }), expected: get("expected"), rubric: get("rubric"), schema }, at);
  });
}

function toCase(value: unknown, at: string): EvalCaseInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DatasetError(`${at} is not an object.`);
  const v = value as Record<string, unknown>;
  let messages: ChatMessage[];
  if (v.messages !== undefined) {
    if (!Array.isArray(v.messages) || v.messages.length === 0) throw new DatasetError(`${at}: "messages" must be a non-empty list.`);
    messages = v.messages.map((m, j) => {
      const msg = m as Record<string, unknown>;
      if (typeof m !== "object" || m === null || !ROLES.has(String(msg.role)) || typeof msg.content !== "string") {
        throw new DatasetError(`${at}: message ${j + 1} needs a role (system, user or assistant) and text content.`);
      }
      return { role: msg.role as ChatMessage["role"], content: field(msg.content, at, `message ${j + 1}`)! };
    });
  } else if (typeof v.input === "string" && v.input !== "") {
    messages = [{ role: "user", content: field(v.input, at, "input")! }];
  } else {
    throw new DatasetError(`${at}: give "input" (text) or "messages" (a chat).`);
  }
  // An empty expected or rubric is none: "" would match every answer under contains or regex.
  const text = (name: string) => {
    const x = v[name];
    if (x === undefined || x === null || x === "") return null;
    if (typeof x !== "string") throw new DatasetError(`${at}: "${name}" must be text.`);
    return field(x, at, name);
  };
  let schema: Record<string, unknown> | null = null;
  if (v.schema !== undefined && v.schema !== null) {
    if (typeof v.schema !== "object" || Array.isArray(v.schema)) throw new DatasetError(`${at}: "schema" must be a JSON Schema object.`);
    if (JSON.stringify(v.schema).length > MAX_FIELD_CHARS) throw new DatasetError(`${at}: the schema is longer than ${MAX_FIELD_CHARS.toLocaleString("en-US")} characters.`);
    schema = v.schema as Record<string, unknown>;
  }
  return { messages, expected: text("expected"), rubric: text("rubric"), schema };
}

function field(value: string, at: string, name: string): string | null {
  if (value.length > MAX_FIELD_CHARS) throw new DatasetError(`${at}: ${name} is longer than ${MAX_FIELD_CHARS.toLocaleString("en-US")} characters.`);
  if (value.includes("\u0000")) throw new DatasetError(`${at}: ${name} holds a NUL character.`);
  return value;
}

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (quoted) throw new DatasetError("The file ends inside a quoted cell.");
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
