import { playgroundParamsSchema, type PlaygroundEndpoint, type PlaygroundParams } from "@/lib/playground/schemas";

export type FormatChoice = "text" | "json_object" | "json_schema";

/** A column's parameters as typed: text, so a half-typed number is kept as the person left it. */
export type ParamsForm = {
  temperature: string;
  topP: string;
  maxTokens: string;
  stop: string;
  seed: string;
  format: FormatChoice;
  schemaName: string;
  schemaText: string;
  strict: boolean;
};

/** One column of the comparison: what it runs against and with which parameters. */
export type Column = { id: string; endpointId: string; versionId: string | null; form: ParamsForm };

export const SAMPLE_SCHEMA = JSON.stringify(
  { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false },
  null,
  2,
);

export const EMPTY_FORM: ParamsForm = {
  temperature: "",
  topP: "",
  maxTokens: "",
  stop: "",
  seed: "",
  format: "text",
  schemaName: "answer",
  schemaText: SAMPLE_SCHEMA,
  strict: true,
};

export const MAX_COLUMNS = 3;

/** The endpoint a new column starts on: the first one that answers. */
export function defaultEndpointId(endpoints: PlaygroundEndpoint[]): string {
  return (endpoints.find((e) => !e.disabled && e.activeVersionId) ?? endpoints[0])?.id ?? "";
}

type FormErrors = Partial<Record<keyof ParamsForm, string>>;
export type ParamsResult = { ok: true; params: PlaygroundParams } | { ok: false; errors: FormErrors };

function number(text: string): number | undefined {
  return text.trim() === "" ? undefined : Number(text.trim());
}

const FIELD_OF: Record<string, keyof ParamsForm> = { temperature: "temperature", topP: "topP", maxTokens: "maxTokens", stop: "stop", seed: "seed", responseFormat: "schemaName" };

/**
 * The parameters a run sends, from what was typed; empty fields stay unset so the version's
 * defaults apply. `schema` is the checked JSON Schema (null until the check says it is valid).
 * The limits are the run route's own schema, so the form says what the server would.
 */
export function paramsFromForm(form: ParamsForm, schema: Record<string, unknown> | null): ParamsResult {
  const errors: FormErrors = {};
  const numbers = { temperature: number(form.temperature), topP: number(form.topP), maxTokens: number(form.maxTokens), seed: number(form.seed) };
  for (const [key, value] of Object.entries(numbers)) {
    if (value !== undefined && !Number.isFinite(value)) errors[key as keyof typeof numbers] = "Write a number, or leave it empty";
  }
  const stop = form.stop
    .split("\n")
    .map((s) => s.replaceAll("\\n", "\n"))
    .filter((s) => s.trim() !== "");
  const responseFormat =
    form.format === "json_schema"
      ? { type: "json_schema" as const, name: form.schemaName.trim(), schema: schema ?? {}, strict: form.strict }
      : { type: form.format };
  const parsed = playgroundParamsSchema.safeParse({ ...numbers, stop: stop.length ? stop : undefined, responseFormat });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF[String(issue.path[0])];
      if (field && !errors[field]) errors[field] = issue.message;
    }
  }
  if (form.format === "json_schema" && !schema) errors.schemaText ??= "Fix the JSON Schema first";
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, params: parsed.data };
}
