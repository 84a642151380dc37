import { jsonSchemaProblem } from "@/lib/prompts/json-schema";
import { MAX_SCHEMA_CHARS } from "./schemas";

/** What a JSON Schema editor's text comes to: the parsed schema, or what is wrong with it. */
export type JsonSchemaCheck = { ok: true; schema: Record<string, unknown> } | { ok: false; error: string };

/** The first part of a check: the text parses as JSON and is an object. */
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
 * Checks a JSON Schema as typed: it parses, is an object, and every keyword has its shape (the
 * prompt library's checker, one for the whole console). The check is linear in the schema's size
 * and bounded in depth: a compiling validator (Ajv) was refused here, because a small schema with
 * many references made it spend minutes of CPU, and Keel's content security policy forbids one in
 * the browser anyway.
 */
export function checkJsonSchema(text: string): JsonSchemaCheck {
  const parsed = parseJsonSchemaText(text);
  if (!parsed.ok) return parsed;
  const problem = jsonSchemaProblem(parsed.schema);
  return problem ? { ok: false, error: `Not a valid JSON Schema: ${problem}` } : parsed;
}
