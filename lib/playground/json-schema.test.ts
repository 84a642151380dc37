import { describe, expect, it } from "vitest";
import { checkJsonSchema, parseJsonSchemaText } from "./json-schema";

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
