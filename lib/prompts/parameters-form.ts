import { fieldErrorsOf } from "@/lib/tenancy/result";
import { promptParametersSchema, type PromptParameters } from "./schemas";

/**
 * The parameters form that the prompt editor and the playground share: the fields as typed, under
 * OpenAI's names, turned into the one parameter schema (promptParametersSchema) and back. Safe for
 * the browser.
 */

export type ResponseFormatChoice = "" | "text" | "json_object" | "json_schema";

/** The fields as typed: numbers stay text, so a half-typed number is kept as the person left it. */
export type ParametersForm = {
  temperature: string;
  top_p: string;
  max_tokens: string;
  seed: string;
  /** One stop sequence per line, with \n for a line break inside one (see escapeStop). */
  stop: string;
  /** "" leaves response_format unset, so the endpoint's default applies. */
  format: ResponseFormatChoice;
  schemaName: string;
  schemaText: string;
  strict: boolean;
};

/** What the JSON Schema editor starts with: a schema that works as it is, to edit from. */
export const SAMPLE_SCHEMA = JSON.stringify({ type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false }, null, 2);

export const EMPTY_PARAMETERS_FORM: ParametersForm = {
  temperature: "",
  top_p: "",
  max_tokens: "",
  seed: "",
  stop: "",
  format: "",
  schemaName: "answer",
  schemaText: SAMPLE_SCHEMA,
  strict: true,
};

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

/** The form filled in from stored parameters (a version's, say). */
export function parametersFormFrom(p: PromptParameters): ParametersForm {
  const format = p.response_format;
  const schema = format?.type === "json_schema" ? format.json_schema : null;
  return {
    temperature: text(p.temperature),
    top_p: text(p.top_p),
    max_tokens: text(p.max_tokens),
    seed: text(p.seed),
    stop: (p.stop ?? []).map(escapeStop).join("\n"),
    format: format?.type ?? "",
    schemaName: schema?.name ?? EMPTY_PARAMETERS_FORM.schemaName,
    schemaText: schema ? JSON.stringify(schema.schema, null, 2) : EMPTY_PARAMETERS_FORM.schemaText,
    strict: schema ? schema.strict === true : EMPTY_PARAMETERS_FORM.strict,
  };
}

/** What promptParametersSchema parses from the form: text as typed, which the schema turns into numbers and a schema object. */
export function parametersInput(form: ParametersForm): Record<string, unknown> {
  const responseFormat =
    form.format === "json_schema"
      ? { type: "json_schema", json_schema: { name: form.schemaName, schema: form.schemaText, ...(form.strict ? { strict: true } : {}) } }
      : form.format
        ? { type: form.format }
        : undefined;
  return {
    temperature: form.temperature,
    top_p: form.top_p,
    max_tokens: form.max_tokens,
    seed: form.seed,
    stop: form.stop.split("\n").filter((line) => line !== "").map(unescapeStop),
    response_format: responseFormat,
  };
}

/** The form's parameters as the one schema reads them, or every field's errors by path ("top_p", "response_format.json_schema.schema"). */
export function checkParametersForm(form: ParametersForm): { ok: true; parameters: PromptParameters } | { ok: false; errors: Record<string, string[]> } {
  const parsed = promptParametersSchema.safeParse(parametersInput(form));
  return parsed.success ? { ok: true, parameters: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}

/** Every error at a path or under it: `errorsUnder(errors, "stop")` also finds "stop.2". */
export function errorsUnder(errors: Record<string, string[]> | undefined, path: string): string[] | undefined {
  const found = Object.entries(errors ?? {})
    .filter(([k]) => k === path || k.startsWith(`${path}.`))
    .flatMap(([, v]) => v);
  return found.length ? found : undefined;
}

/**
 * Stop sequences are often line breaks ("\n\n"), which a one-per-line box cannot hold as they are:
 * there they are written \n (and a backslash \\), and turned back when sent.
 */
export const escapeStop = (stop: string) => stop.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
export const unescapeStop = (line: string) => line.replace(/\\(\\|n)/g, (_m, c: string) => (c === "n" ? "\n" : "\\"));
