"use client";

import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { jsonSchemaProblem } from "@/lib/prompts/json-schema";
import type { EditorState, ResponseFormatChoice } from "./editor-state";

type Props = {
  state: EditorState;
  set: (change: Partial<EditorState>) => void;
  errorUnder: (path: string) => string[] | undefined;
};

/** The JSON Schema as typed, checked on every keystroke with the rules the server applies. */
function schemaTextProblem(text: string): string | null {
  if (!text.trim()) return "Paste or write a JSON Schema";
  try {
    const problem = jsonSchemaProblem(JSON.parse(text));
    return problem && `Not a valid JSON Schema: ${problem}`;
  } catch {
    return "Not valid JSON yet";
  }
}

/** Sampling parameters and the response format; empty fields are left unset, so the endpoint's defaults apply. */
export function ParametersFields({ state, set, errorUnder }: Props) {
  const p = "parameters";
  const number = (label: string, key: "temperature" | "topP" | "maxTokens" | "seed", path: string, hint: string) => (
    <Field label={label} htmlFor={`param-${key}`} error={errorUnder(`${p}.${path}`)} hint={hint}>
      <Input id={`param-${key}`} inputMode="decimal" value={state[key]} onChange={(e) => set({ [key]: e.target.value })} aria-invalid={!!errorUnder(`${p}.${path}`)} />
    </Field>
  );
  const live = state.format === "json_schema" ? schemaTextProblem(state.schemaText) : null;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Parameters</legend>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {number("Temperature", "temperature", "temperature", "0 to 2")}
        {number("Top p", "topP", "top_p", "0 to 1")}
        {number("Max tokens", "maxTokens", "max_tokens", "Whole number")}
        {number("Seed", "seed", "seed", "Whole number")}
      </div>
      <Field label="Stop sequences" htmlFor="param-stop" error={errorUnder(`${p}.stop`)} hint="One per line, at most 4; write \n for a line break.">
        <Textarea id="param-stop" rows={2} value={state.stop} onChange={(e) => set({ stop: e.target.value })} aria-invalid={!!errorUnder(`${p}.stop`)} />
      </Field>
      {/* With a schema, its own fields below show what is wrong with it. */}
      <Field label="Response format" htmlFor="param-format" error={state.format === "json_schema" ? undefined : errorUnder(`${p}.response_format`)}>
        <NativeSelect id="param-format" value={state.format} onChange={(e) => set({ format: e.target.value as ResponseFormatChoice })}>
          <option value="">Not set</option>
          <option value="text">Text</option>
          <option value="json_object">JSON object</option>
          <option value="json_schema">JSON following a schema</option>
        </NativeSelect>
      </Field>
      {state.format === "json_schema" && (
        <div className="space-y-3 rounded-md border border-border p-3">
          <div className="grid grid-cols-[1fr_auto] items-end gap-3">
            <Field label="Schema name" htmlFor="param-schema-name" error={errorUnder(`${p}.response_format.json_schema.name`)}>
              <Input id="param-schema-name" value={state.schemaName} onChange={(e) => set({ schemaName: e.target.value })} placeholder="answer" />
            </Field>
            <label className="flex h-9 items-center gap-1.5 text-sm">
              <input type="checkbox" checked={state.strict} onChange={(e) => set({ strict: e.target.checked })} /> Strict
            </label>
          </div>
          <Field
            label="JSON Schema"
            htmlFor="param-schema"
            error={live ? [live] : errorUnder(`${p}.response_format.json_schema.schema`)}
            hint="Checked as you type."
          >
            <Textarea
              id="param-schema"
              rows={8}
              className="font-mono text-xs"
              value={state.schemaText}
              onChange={(e) => set({ schemaText: e.target.value })}
              placeholder={'{\n  "type": "object",\n  "properties": { "answer": { "type": "string" } },\n  "required": ["answer"]\n}'}
              aria-invalid={!!live}
            />
          </Field>
        </div>
      )}
    </fieldset>
  );
}
