import { describe, expect, it } from "vitest";
import { checkParametersForm, EMPTY_PARAMETERS_FORM, errorsUnder, escapeStop, parametersFormFrom, unescapeStop, type ParametersForm } from "./parameters-form";
import { promptParametersSchema, type PromptParameters } from "./schemas";

const every: PromptParameters = {
  temperature: 0.3,
  top_p: 0.9,
  max_tokens: 200,
  stop: ["END", "\n\n", "a\\nb"],
  seed: 42,
  response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", required: ["ok"] }, strict: true } },
};

const form = (change: Partial<ParametersForm>): ParametersForm => ({ ...EMPTY_PARAMETERS_FORM, ...change });

describe("the parameters form", () => {
  it("turns stored parameters into the form and back into the very same parameters", () => {
    for (const p of [every, {}, { response_format: { type: "text" as const } }, { response_format: { type: "json_schema" as const, json_schema: { name: "a", schema: { type: "string" } } } }]) {
      expect(checkParametersForm(parametersFormFrom(p))).toEqual({ ok: true, parameters: p });
    }
  });

  it("leaves empty fields unset and keeps no key for them, so the endpoint's defaults apply", () => {
    expect(checkParametersForm(EMPTY_PARAMETERS_FORM)).toEqual({ ok: true, parameters: {} });
    expect(checkParametersForm(form({ temperature: " ", stop: "\n\n" }))).toEqual({ ok: true, parameters: {} });
  });

  it("reads numbers as typed, and the schema's text into an object", () => {
    const r = checkParametersForm(form({ temperature: "0.5", max_tokens: "64", format: "json_schema", schemaName: "out", schemaText: '{"type": "object"}', strict: false }));
    expect(r).toEqual({ ok: true, parameters: { temperature: 0.5, max_tokens: 64, response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" } } } } });
  });

  it("names every field that is wrong by its OpenAI name, the JSON Schema's check included", () => {
    const r = checkParametersForm(form({ temperature: "3", top_p: "x", max_tokens: "1.5", stop: "a\nb\nc\nd\ne", format: "json_schema", schemaName: "bad name", schemaText: '{"type": "objekt"}' }));
    expect(r.ok).toBe(false);
    const errors = r.ok ? {} : r.errors;
    expect(Object.keys(errors).sort()).toEqual(["max_tokens", "response_format.json_schema.name", "response_format.json_schema.schema", "stop", "temperature", "top_p"]);
    expect(errorsUnder(errors, "response_format")).toHaveLength(2);
    expect(errorsUnder(errors, "response_format.json_schema.schema")).toEqual([expect.stringContaining('"objekt" is not a JSON Schema type')]);
    expect(errorsUnder(errors, "seed")).toBeUndefined();
  });

  it("what the form checks in the browser parses again on the server to the same parameters", () => {
    const r = checkParametersForm(parametersFormFrom(every));
    expect(r.ok && promptParametersSchema.parse(r.parameters)).toEqual(every);
  });

  it("writes a line break inside a stop sequence as \\n, and a backslash as \\\\, and reads them back", () => {
    for (const stop of ["\n", "a\\nb", "\\", "x\n\\y"]) expect(unescapeStop(escapeStop(stop))).toBe(stop);
    expect(escapeStop("a\nb")).toBe("a\\nb");
  });
});
