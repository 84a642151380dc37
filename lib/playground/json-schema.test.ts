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

  it("names the keyword the meta-schema refuses, with the values it allows", () => {
    expect(checkJsonSchema('{"type": "objekt"}')).toEqual({
      ok: false,
      error: "Not a valid JSON Schema: type must be equal to one of the allowed values (array, boolean, integer, null, number, object, string)",
    });
    expect(checkJsonSchema('{"type": "object", "properties": {"n": {"type": "string", "minLength": -1}}}')).toEqual({
      ok: false,
      error: "Not a valid JSON Schema: properties.n.minLength must be >= 0",
    });
  });

  it("refuses a schema Ajv cannot compile, such as a reference to nothing", () => {
    const result = checkJsonSchema('{"type": "object", "properties": {"a": {"$ref": "#/definitions/missing"}}}');
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("can't resolve reference #/definitions/missing") });
  });

  it("refuses text longer than any schema a person writes, before parsing it", () => {
    expect(parseJsonSchemaText(`{"description": "${"x".repeat(40_000)}"}`)).toMatchObject({ ok: false, error: expect.stringContaining("at most 32,000") });
  });
});
