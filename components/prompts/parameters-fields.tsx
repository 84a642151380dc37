"use client";

import { useMemo } from "react";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { checkJsonSchema } from "@/lib/prompts/json-schema";
import type { ParametersForm, ResponseFormatChoice } from "@/lib/prompts/parameters-form";

type Props = {
  /** Prefixes every control's id, so that several forms can share a page (the playground's columns). */
  idPrefix: string;
  form: ParametersForm;
  onChange: (change: Partial<ParametersForm>) => void;
  /** Every error at or under a parameter's path ("top_p", "response_format.json_schema.name"). */
  errors: (path: string) => string[] | undefined;
};

type NumberKey = "temperature" | "top_p" | "max_tokens" | "seed";

/** The JSON Schema editor; its text is checked on every keystroke with the check the server runs. */
function SchemaEditor({ idPrefix, form, onChange, errors }: Props) {
  const check = useMemo(() => checkJsonSchema(form.schemaText), [form.schemaText]);
  const id = `${idPrefix}-schema`;
  return (
    <div className="space-y-3 rounded-md border border-border p-3">
      <div className="grid grid-cols-[1fr_auto] items-end gap-3">
        <Field label="Schema name" htmlFor={`${id}-name`} error={errors("response_format.json_schema.name")}>
          <Input id={`${id}-name`} value={form.schemaName} onChange={(e) => onChange({ schemaName: e.target.value })} aria-invalid={!!errors("response_format.json_schema.name")} />
        </Field>
        <label className="flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" checked={form.strict} onChange={(e) => onChange({ strict: e.target.checked })} /> Strict
        </label>
      </div>
      <Field
        label="JSON Schema"
        htmlFor={id}
        error={check.ok ? errors("response_format.json_schema.schema") : check.error}
        hint={check.ok ? "A valid JSON Schema." : undefined}
      >
        <Textarea
          id={id}
          rows={8}
          spellCheck={false}
          className="font-mono text-xs"
          value={form.schemaText}
          onChange={(e) => onChange({ schemaText: e.target.value })}
          aria-invalid={!check.ok}
        />
      </Field>
    </div>
  );
}

/**
 * Sampling parameters and the response format, under OpenAI's names, for the prompt editor and the
 * playground's columns alike. Empty fields stay unset, so the endpoint's defaults apply.
 */
export function ParametersFields(props: Props) {
  const { idPrefix, form, onChange, errors } = props;
  const number = (label: string, key: NumberKey, hint: string) => (
    <Field label={label} htmlFor={`${idPrefix}-${key}`} error={errors(key)} hint={hint}>
      <Input id={`${idPrefix}-${key}`} inputMode="decimal" placeholder="default" value={form[key]} onChange={(e) => onChange({ [key]: e.target.value })} aria-invalid={!!errors(key)} />
    </Field>
  );
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-sm font-medium">Parameters</legend>
      {/* Four across in the editor, two in a playground column: as many as the width holds. */}
      <div className="grid grid-cols-[repeat(auto-fit,minmax(9rem,1fr))] gap-3">
        {number("Temperature", "temperature", "0 to 2")}
        {number("Top p", "top_p", "0 to 1")}
        {number("Max tokens", "max_tokens", "Whole number")}
        {number("Seed", "seed", "Whole number")}
      </div>
      <Field label="Stop sequences" htmlFor={`${idPrefix}-stop`} error={errors("stop")} hint="One per line, at most 4; write \n for a line break.">
        <Textarea id={`${idPrefix}-stop`} rows={2} className="min-h-0" value={form.stop} onChange={(e) => onChange({ stop: e.target.value })} aria-invalid={!!errors("stop")} />
      </Field>
      {/* With a schema, its own fields below show what is wrong with it. */}
      <Field label="Response format" htmlFor={`${idPrefix}-format`} error={form.format === "json_schema" ? undefined : errors("response_format")}>
        <NativeSelect id={`${idPrefix}-format`} value={form.format} onChange={(e) => onChange({ format: e.target.value as ResponseFormatChoice })}>
          <option value="">Not set</option>
          <option value="text">Text</option>
          <option value="json_object">JSON object</option>
          <option value="json_schema">JSON following a schema</option>
        </NativeSelect>
      </Field>
      {form.format === "json_schema" && <SchemaEditor {...props} />}
    </fieldset>
  );
}
