import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "@/lib/gateway/http-body";
import { MAX_SCHEMA_NESTING, checkJsonSchema, jsonSchemaProblem, parseJsonSchemaText } from "./json-schema";

describe("jsonSchemaProblem", () => {
  it("accepts well-formed schemas, nested ones included", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        answer: { type: "string", minLength: 1, pattern: "^[A-Z]" },
        score: { type: ["number", "null"], minimum: 0, maximum: 1, multipleOf: 0.5 },
        tags: { type: "array", items: { enum: ["a", "b"] }, uniqueItems: true, maxItems: 3 },
        nested: { anyOf: [{ $ref: "#/$defs/x" }, true] },
      },
      required: ["answer"],
      additionalProperties: false,
      $defs: { x: { type: "integer", exclusiveMinimum: 0 } },
      "x-vendor": { anything: 1 },
    };
    expect(jsonSchemaProblem(schema)).toBeNull();
    expect(jsonSchemaProblem({})).toBeNull();
  });

  it("refuses what is not an object at the root", () => {
    for (const value of [null, [], "object", 1, true]) expect(jsonSchemaProblem(value)).toMatch(/must be a JSON object/);
  });

  it("names the misshapen keyword and where it is", () => {
    const cases: [unknown, string][] = [
      [{ type: "text" }, 'at type: "text" is not a JSON Schema type'],
      [{ type: [] }, "at type: must name at least one type"],
      [{ type: ["string", "string"] }, "at type: names a type more than once"],
      [{ properties: { age: { type: "int" } } }, 'at properties.age.type: "int" is not a JSON Schema type'],
      [{ properties: [] }, "at properties: must be an object whose values are schemas"],
      [{ properties: { a: 5 } }, "at properties.a: a schema must be an object or true/false"],
      [{ items: [{ type: "string" }, { minLength: -1 }] }, "at items.1.minLength: must be a whole number, 0 or more"],
      [{ required: "name" }, "at required: must be an array of property names"],
      [{ required: ["a", "a"] }, "at required: names a property more than once"],
      [{ enum: [] }, "at enum: must be a non-empty array"],
      [{ anyOf: [] }, "at anyOf: must be a non-empty array of schemas"],
      [{ minimum: "0" }, "at minimum: must be a number"],
      [{ multipleOf: 0 }, "at multipleOf: must be a number greater than 0"],
      [{ pattern: "([a-z" }, 'at pattern: "([a-z" is not a valid regular expression'],
      [{ description: 5 }, "at description: must be a string"],
      [{ additionalProperties: "no" }, "at additionalProperties: a schema must be an object or true/false"],
    ];
    for (const [schema, message] of cases) expect(jsonSchemaProblem(schema), JSON.stringify(schema)).toContain(message);
  });

  it("refuses a schema nested deeper than anyone writes, without overflowing the stack", () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 10_000; i++) schema = { items: schema };
    expect(jsonSchemaProblem(schema)).toMatch(/nested more than 32 levels/);
  });
});

describe("a schema's nesting", () => {
  /** A schema whose arrays and objects nest `levels` deep, the schema object itself the first. */
  const nested = (levels: number) => {
    let value: unknown = "x";
    for (let i = 1; i < levels; i++) value = [value];
    return { type: "array", default: value };
  };

  it("goes as deep as a chat request may carry it through the gateway, and no deeper", () => {
    expect(jsonSchemaProblem(nested(MAX_SCHEMA_NESTING))).toBeNull();
    expect(jsonSchemaProblem(nested(MAX_SCHEMA_NESTING + 1))).toMatch(/more than 60 levels deep$/);
    const body = (schema: unknown) => ({ model: "m", messages: [], response_format: { type: "json_schema", json_schema: { name: "a", schema } } });
    expect(nestedDeeperThan(body(nested(MAX_SCHEMA_NESTING)), MAX_JSON_DEPTH)).toBe(false);
  });

  it("is checked without recursing once per level of what it holds", () => {
    let value: unknown = 1;
    for (let i = 0; i < 200_000; i++) value = [value];
    expect(jsonSchemaProblem({ const: value })).toMatch(/more than 60 levels deep$/);
  });
});

describe("checkJsonSchema", () => {
  it("accepts a schema OpenAI's structured outputs take, formats included", () => {
    const text = JSON.stringify({ type: "object", properties: { email: { type: "string", format: "email" } }, required: ["email"], additionalProperties: false });
    expect(checkJsonSchema(text)).toEqual({ ok: true, schema: JSON.parse(text) });
  });

  it("says where the JSON stops parsing", () => {
    const result = checkJsonSchema('{"type": "object",');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^Not valid JSON: /);
  });

  it("asks for something when the editor is empty, and for an object when it holds another value", () => {
    expect(checkJsonSchema("  ")).toMatchObject({ ok: false, error: expect.stringContaining("Write a JSON Schema") });
    expect(checkJsonSchema("[]")).toMatchObject({ ok: false, error: expect.stringContaining("must be a JSON object") });
    expect(checkJsonSchema("true")).toMatchObject({ ok: false, error: expect.stringContaining("must be a JSON object") });
  });

  it("names the keyword that is misshapen, and where", () => {
    expect(checkJsonSchema('{"type": "objekt"}')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not a valid JSON Schema: at type: "objekt" is not a JSON Schema type/) });
    expect(checkJsonSchema('{"type": "object", "properties": {"n": {"type": "string", "minLength": -1}}}')).toMatchObject({
      ok: false,
      error: expect.stringContaining("at properties.n.minLength"),
    });
  });

  it("checks a schema built to make a compiling validator work for minutes (many references) without compiling it", () => {
    const props = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}`, { type: "string" }]));
    const text = JSON.stringify({ $defs: { a: { type: "object", properties: props } }, anyOf: Array.from({ length: 600 }, () => ({ $ref: "#/$defs/a" })) });
    expect(text.length).toBeLessThan(32_000);
    expect(checkJsonSchema(text)).toMatchObject({ ok: true });
  });

  it("refuses a schema nested deeper than any a person writes, as an error rather than a crash", () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 1_000; i++) schema = { items: schema };
    expect(checkJsonSchema(JSON.stringify(schema))).toMatchObject({ ok: false, error: expect.stringContaining("nested more than") });
  });

  it("refuses text longer than any schema a person writes, before parsing it", () => {
    expect(parseJsonSchemaText(`{"description": "${"x".repeat(40_000)}"}`)).toMatchObject({ ok: false, error: expect.stringContaining("at most 32,000") });
  });
});
