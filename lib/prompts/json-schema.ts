/**
 * A structural check that a value is a well-formed JSON Schema (draft 2020-12, with the draft-7
 * forms OpenAI's structured outputs accept). No compiling validator: a few references can make one
 * work for minutes, and the console's security policy forbids one in the browser. A check of the
 * keywords' shapes is what a person editing a schema needs: it names the first misshapen keyword
 * and where it is. It does not validate data against the schema. Safe for the browser.
 */

import { unstorableText } from "./storable-text";

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const SCHEMA_KEYWORDS = ["additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else"];
const SCHEMA_MAP_KEYWORDS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "oneOf"];
const COUNT_KEYWORDS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"];
const STRING_KEYWORDS = ["$ref", "$id", "$schema", "$comment", "$anchor", "format", "title", "description", "contentMediaType", "contentEncoding"];
/** Deeper than any schema a person writes; bounds the work a hostile one can cause. */
const MAX_DEPTH = 32;
/**
 * The deepest a schema's arrays and objects may nest, values of const, default or examples
 * included (the outermost counts as 1). A chat request carries the schema three levels down (body,
 * response_format, json_schema) and the gateway refuses bodies nested deeper than 64
 * (lib/gateway/http-body.ts), so a deeper schema could never be sent. It also bounds what showing
 * one costs: indented JSON grows with the square of the depth (a 6 KB schema nested 2,000 deep
 * printed as 8 MB on every page that showed it, and Prisma overflowed its stack saving 3,000).
 */
export const MAX_SCHEMA_NESTING = 60;

/** Longer than any response schema a person writes; bounds the work one check may cause. */
export const MAX_SCHEMA_CHARS = 32_000;
/** What a schema longer than MAX_SCHEMA_CHARS is told, as text or as an object. */
export const SCHEMA_TOO_LONG = `The JSON Schema may hold at most ${MAX_SCHEMA_CHARS.toLocaleString("en-US")} characters.`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/** The first problem with `schema` as a JSON Schema, as "at <path>: <what>", or null when it is well-formed. */
export function jsonSchemaProblem(schema: unknown): string | null {
  if (!isObject(schema)) return "A JSON Schema must be a JSON object, e.g. {\"type\": \"object\"}.";
  const problem = check(schema, "", 0) ?? checkValues(schema, "", 1);
  return problem && (problem.path ? `at ${problem.path}: ${problem.message}` : problem.message);
}

type Problem = { path: string; message: string } | null;

function check(schema: unknown, path: string, depth: number): Problem {
  if (typeof schema === "boolean") return null;
  if (!isObject(schema)) return { path, message: "a schema must be an object or true/false" };
  if (depth > MAX_DEPTH) return { path, message: `the schema is nested more than ${MAX_DEPTH} levels deep` };
  for (const [key, value] of Object.entries(schema)) {
    const at = join(path, key);
    const problem = checkKeyword(key, value, at, depth);
    if (problem) return problem;
  }
  return null;
}

function checkKeyword(key: string, value: unknown, at: string, depth: number): Problem {
  if (key === "type") return checkType(value, at);
  if (SCHEMA_KEYWORDS.includes(key)) return check(value, at, depth + 1);
  if (SCHEMA_MAP_KEYWORDS.includes(key)) {
    if (!isObject(value)) return { path: at, message: "must be an object whose values are schemas" };
    for (const [name, sub] of Object.entries(value)) {
      const problem = check(sub, join(at, name), depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (SCHEMA_LIST_KEYWORDS.includes(key) || key === "prefixItems") {
    if (!Array.isArray(value) || value.length === 0) return { path: at, message: "must be a non-empty array of schemas" };
    return checkEach(value, at, depth);
  }
  if (key === "items") return Array.isArray(value) ? checkEach(value, at, depth) : check(value, at, depth + 1);
  if (key === "required") {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return { path: at, message: "must be an array of property names" };
    if (new Set(value).size !== value.length) return { path: at, message: "names a property more than once" };
    return null;
  }
  if (key === "enum") return Array.isArray(value) && value.length > 0 ? null : { path: at, message: "must be a non-empty array" };
  if (key === "minimum" || key === "maximum") return typeof value === "number" ? null : { path: at, message: "must be a number" };
  // Draft 4 spelled these as booleans beside minimum/maximum; both forms are still in use.
  if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
    return typeof value === "number" || typeof value === "boolean" ? null : { path: at, message: "must be a number" };
  }
  if (key === "multipleOf") return typeof value === "number" && value > 0 ? null : { path: at, message: "must be a number greater than 0" };
  if (COUNT_KEYWORDS.includes(key)) return Number.isInteger(value) && (value as number) >= 0 ? null : { path: at, message: "must be a whole number, 0 or more" };
  if (key === "uniqueItems") return typeof value === "boolean" ? null : { path: at, message: "must be true or false" };
  if (key === "pattern") return checkPattern(value, at);
  if (STRING_KEYWORDS.includes(key)) return typeof value === "string" ? null : { path: at, message: "must be a string" };
  // Anything else (const, default, examples, vendor keywords) is allowed, as JSON Schema allows it.
  return null;
}

/**
 * What no keyword's shape says: nesting past MAX_SCHEMA_NESTING, and text (names or values) that
 * cannot be stored. Recurses at most MAX_SCHEMA_NESTING + 1 levels, whatever the value holds.
 */
function checkValues(value: unknown, path: string, depth: number): Problem {
  if (typeof value === "string") {
    const why = unstorableText(value);
    return why === null ? null : { path, message: `the text ${why}` };
  }
  if (typeof value !== "object" || value === null) return null;
  if (depth > MAX_SCHEMA_NESTING) return { path, message: `the schema nests arrays and objects more than ${MAX_SCHEMA_NESTING} levels deep` };
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, child] of entries) {
    const at = join(path, key);
    const why = typeof key === "string" ? unstorableText(key) : null;
    if (why) return { path: at, message: `the name ${why}` };
    const problem = checkValues(child, at, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function checkEach(list: unknown[], at: string, depth: number): Problem {
  for (const [i, sub] of list.entries()) {
    const problem = check(sub, join(at, i), depth + 1);
    if (problem) return problem;
  }
  return null;
}

function checkType(value: unknown, at: string): Problem {
  const list = Array.isArray(value) ? value : [value];
  const named = `one of ${[...TYPES].join(", ")}`;
  if (list.length === 0) return { path: at, message: `must name at least one type: ${named}` };
  for (const t of list) {
    if (typeof t !== "string" || !TYPES.has(t)) return { path: at, message: `${JSON.stringify(t)} is not a JSON Schema type; use ${named}` };
  }
  if (new Set(list).size !== list.length) return { path: at, message: "names a type more than once" };
  return null;
}

function checkPattern(value: unknown, at: string): Problem {
  if (typeof value !== "string") return { path: at, message: "must be a regular expression, as a string" };
  try {
    new RegExp(value, "u");
    return null;
  } catch {
    return { path: at, message: `${JSON.stringify(value)} is not a valid regular expression` };
  }
}

/** What a JSON Schema editor's text comes to: the parsed schema, or what is wrong with it. */
export type JsonSchemaCheck = { ok: true; schema: Record<string, unknown> } | { ok: false; error: string };

/** The first part of a check: the text parses as JSON and is an object. */
export function parseJsonSchemaText(text: string): JsonSchemaCheck {
  if (!text.trim()) return { ok: false, error: "Write a JSON Schema, e.g. {\"type\": \"object\"}." };
  if (text.length > MAX_SCHEMA_CHARS) return { ok: false, error: SCHEMA_TOO_LONG };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(value)) return { ok: false, error: "A response schema must be a JSON object, e.g. {\"type\": \"object\"}." };
  return { ok: true, schema: value };
}

/**
 * Checks a JSON Schema as typed: it parses, is an object, and every keyword has its shape. The
 * editors run it on every keystroke and the server runs it again on what is saved or run: the
 * check is linear in the schema's size and bounded in depth, so that is cheap.
 */
export function checkJsonSchema(text: string): JsonSchemaCheck {
  const parsed = parseJsonSchemaText(text);
  if (!parsed.ok) return parsed;
  const problem = jsonSchemaProblem(parsed.schema);
  return problem ? { ok: false, error: `Not a valid JSON Schema: ${problem}` } : parsed;
}
