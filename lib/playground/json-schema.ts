import { Ajv, type ErrorObject } from "ajv";

/** What a JSON Schema editor's text comes to: the parsed schema, or what is wrong with it. */
export type JsonSchemaCheck = { ok: true; schema: Record<string, unknown> } | { ok: false; error: string };

/** Longer than any response schema a person writes; bounds the work one check may cause. */
export const MAX_SCHEMA_CHARS = 32_000;

/** The part of a check that needs no Ajv: the text parses as JSON and is an object. Safe anywhere. */
export function parseJsonSchemaText(text: string): JsonSchemaCheck {
  if (!text.trim()) return { ok: false, error: "Write a JSON Schema, e.g. {\"type\": \"object\"}." };
  if (text.length > MAX_SCHEMA_CHARS) return { ok: false, error: `The schema may hold at most ${MAX_SCHEMA_CHARS.toLocaleString("en-US")} characters.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: "A response schema must be a JSON object, e.g. {\"type\": \"object\"}." };
  }
  return { ok: true, schema: value as Record<string, unknown> };
}

/**
 * Checks a JSON Schema as typed: it parses, it is valid against the JSON Schema meta-schema, and
 * Ajv can compile it (unknown formats and keywords are allowed, as providers allow them). Ajv
 * generates code with `new Function`, which Keel's content security policy forbids in the
 * browser, so the playground asks the server to run this.
 */
export function checkJsonSchema(text: string): JsonSchemaCheck {
  const parsed = parseJsonSchemaText(text);
  if (!parsed.ok) return parsed;
  const problem = jsonSchemaProblem(parsed.schema);
  return problem ? { ok: false, error: problem } : parsed;
}

/** What is wrong with a parsed JSON Schema (against the meta-schema, then compiling it), or null. Server only (Ajv). */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | null {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  if (!ajv.validateSchema(schema)) return `Not a valid JSON Schema: ${describe(ajv.errors?.[0])}`;
  try {
    ajv.compile(schema);
  } catch (e) {
    return `Not a usable JSON Schema: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

/** The first meta-schema error, where it is and what would fix it: the rest usually repeat it (anyOf branches). */
function describe(error: ErrorObject | undefined): string {
  if (!error) return "it does not match the JSON Schema meta-schema";
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll("/", ".") : "the top level";
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return `${where} ${error.message ?? "is invalid"}${allowed ? ` (${allowed.join(", ")})` : ""}`;
}
