import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "@/lib/tenancy/result";
import { createPromptSchema, deletePromptSchema, promptContentSchema, restorePromptVersionSchema, savePromptVersionSchema, templateMessages, variablesOf } from "./schemas";

const valid = { name: "support-reply", system: "You help {{customer}}.", messages: [{ role: "user", content: "Hi" }] };

function errorsOf(input: unknown) {
  const r = createPromptSchema.safeParse(input);
  if (r.success) throw new Error("expected the input to be refused");
  return fieldErrorsOf(r.error);
}

describe("createPromptSchema", () => {
  it("keeps only the parameters that were set, as numbers, under OpenAI's names", () => {
    const r = createPromptSchema.parse({
      ...valid,
      parameters: { temperature: "0.7", top_p: "", max_tokens: "256", seed: 42, stop: ["END", ""], response_format: undefined },
    });
    expect(r.parameters).toEqual({ temperature: 0.7, max_tokens: 256, seed: 42, stop: ["END"] });
    expect(r.endpoint).toBeNull();
    expect(r.note).toBe("");
  });

  it("parses a JSON Schema given as text into an object", () => {
    const r = createPromptSchema.parse({
      ...valid,
      parameters: { response_format: { type: "json_schema", json_schema: { name: "answer", schema: '{"type":"object","required":["a"]}', strict: true } } },
    });
    expect(r.parameters.response_format).toEqual({ type: "json_schema", json_schema: { name: "answer", schema: { type: "object", required: ["a"] }, strict: true } });
  });

  it("reports every bad field at once, each by its path", () => {
    const errors = errorsOf({
      name: "Bad Name",
      system: "",
      messages: [{ role: "system", content: "x" }, { role: "user", content: "  " }],
      parameters: { temperature: "3", top_p: "-0.1", max_tokens: "1.5", seed: "abc", stop: ["a", "b", "c", "d", "e"] },
      endpoint: "No Such!",
      note: "n".repeat(501),
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        "endpoint",
        "messages.0.role",
        "messages.1.content",
        "name",
        "note",
        "parameters.max_tokens",
        "parameters.seed",
        "parameters.stop",
        "parameters.temperature",
        "parameters.top_p",
      ].sort(),
    );
    expect(errors["parameters.temperature"]).toEqual(["Temperature must be at most 2"]);
    expect(errors["messages.1.content"]).toEqual(["Write the message, or remove it"]);
  });

  it("refuses an invalid JSON Schema and says what is wrong with it", () => {
    const schemaError = (schema: unknown) =>
      errorsOf({ ...valid, parameters: { response_format: { type: "json_schema", json_schema: { name: "a", schema } } } })["parameters.response_format.json_schema.schema"];
    expect(schemaError("{not json")).toEqual([expect.stringMatching(/^Not valid JSON: /)]);
    expect(schemaError("  ")).toEqual([expect.stringContaining("Write a JSON Schema")]);
    expect(schemaError({ description: "x".repeat(40_000) })).toEqual([expect.stringContaining("at most 32,000")]);
    expect(schemaError('{"type":"strin"}')).toEqual([expect.stringContaining('Not a valid JSON Schema: at type: "strin" is not a JSON Schema type')]);
    expect(schemaError("[1]")).toEqual([expect.stringContaining("must be a JSON object")]);
  });

  it("refuses a schema nested past what the gateway takes, values of const included, before measuring or storing it", () => {
    const schemaError = (schema: unknown) =>
      errorsOf({ ...valid, parameters: { response_format: { type: "json_schema", json_schema: { name: "a", schema } } } })["parameters.response_format.json_schema.schema"];
    // 6 KB of text that printed as 8 MB of indented JSON wherever the version was shown, and 3,000 levels overflowed Prisma's stack.
    let deep: unknown = 1;
    for (let i = 0; i < 3_000; i++) deep = [deep];
    for (const schema of [JSON.stringify({ type: "array", const: deep }), { type: "array", const: deep }]) {
      expect(schemaError(schema)).toEqual([expect.stringMatching(/^Not a valid JSON Schema: at const\.0\.0.*: the schema nests arrays and objects more than 60 levels deep$/)]);
    }
  });

  it("names text the database cannot store (NUL, half a surrogate pair) rather than failing to save it", () => {
    const errors = errorsOf({
      name: "nul-text",
      description: "a\u0000b",
      system: "before\u0000after",
      messages: [{ role: "user", content: "broken \ud800 pair" }],
      parameters: {
        stop: ["\u0000"],
        response_format: { type: "json_schema", json_schema: { name: "a", schema: '{"type":"object","properties":{"a\\u0000":{"type":"string"}}}' } },
      },
      note: "\udc00",
    });
    expect(errors).toEqual({
      description: ["The description holds a NUL character (\\u0000), which cannot be stored"],
      system: ["The system prompt holds a NUL character (\\u0000), which cannot be stored"],
      "messages.0.content": ["The message holds half of a surrogate pair, which is not a character"],
      "parameters.stop.0": ["The stop sequence holds a NUL character (\\u0000), which cannot be stored"],
      "parameters.response_format.json_schema.schema": ["Not a valid JSON Schema: at properties.a\u0000: the name holds a NUL character (\\u0000), which cannot be stored"],
      note: ["The note holds half of a surrogate pair, which is not a character"],
    });
    // A whole pair is one character, and welcome.
    expect(createPromptSchema.safeParse({ ...valid, system: "Answer with 👍 or 👎." }).success).toBe(true);
  });

  it("refuses a version that says nothing, alongside the other errors", () => {
    const errors = errorsOf({ name: "Bad Name", system: "   ", messages: [] });
    expect(errors.messages).toEqual(["Write a system prompt or add a message"]);
    expect(errors.name).toBeDefined();
  });

  it("accepts a system prompt alone, or messages alone", () => {
    expect(createPromptSchema.safeParse({ name: "only-system", system: "Be brief." }).success).toBe(true);
    expect(createPromptSchema.safeParse({ name: "only-messages", messages: [{ role: "assistant", content: "Hello" }] }).success).toBe(true);
  });

  it("reserves the name new, which the console's own page for a new prompt takes", () => {
    expect(errorsOf({ ...valid, name: "new" }).name).toEqual(["The name “new” is reserved; choose another"]);
    expect(createPromptSchema.safeParse({ ...valid, name: "news" }).success).toBe(true);
  });

  it("refuses an unknown response format", () => {
    expect(Object.keys(errorsOf({ ...valid, parameters: { response_format: { type: "xml" } } }))).toEqual(["parameters.response_format.type"]);
  });
});

describe("a prompt's id in a forged call", () => {
  it("is refused as no such prompt when no id can look like it, before any query", () => {
    for (const promptId of ["cm\u0000x", "a b", "x".repeat(65)]) {
      for (const [schema, input] of [
        [savePromptVersionSchema, { promptId, system: "x" }],
        [restorePromptVersionSchema, { promptId, version: 1 }],
        [deletePromptSchema, { promptId, confirm: "x" }],
      ] as const) {
        const r = schema.safeParse(input);
        expect(r.success).toBe(false);
        expect(fieldErrorsOf(r.error!).promptId).toEqual(["No such prompt"]);
      }
    }
  });
});

describe("a stored version", () => {
  it("reads back as it was saved, and lists its messages and variables as applications get them", () => {
    const saved = createPromptSchema.parse({ ...valid, messages: [{ role: "user", content: "Order {{order_id}} for {{customer}}" }] });
    const content = promptContentSchema.parse(JSON.parse(JSON.stringify({ system: saved.system, messages: saved.messages, parameters: saved.parameters })));
    expect(templateMessages(content)).toEqual([
      { role: "system", content: "You help {{customer}}." },
      { role: "user", content: "Order {{order_id}} for {{customer}}" },
    ]);
    expect(variablesOf(content)).toEqual(["customer", "order_id"]);
    expect(templateMessages({ system: " ", messages: [] })).toEqual([]);
  });
});
