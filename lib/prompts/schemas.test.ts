import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "@/lib/tenancy/result";
import { createPromptSchema, promptContentSchema, templateMessages, variablesOf } from "./schemas";

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
