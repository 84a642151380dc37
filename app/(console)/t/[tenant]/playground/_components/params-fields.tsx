"use client";

import { useQuery } from "@tanstack/react-query";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import type { FormatChoice, ParamsForm } from "./column-state";
import { schemaCheckQuery, schemaVerdict } from "./schema-check";

type Props = {
  idPrefix: string;
  form: ParamsForm;
  onChange: (change: Partial<ParamsForm>) => void;
  errors: Partial<Record<keyof ParamsForm, string>>;
};

/** The JSON Schema editor: checked a moment after each pause in typing. */
function SchemaEditor({ idPrefix, form, onChange, errors }: Props) {
  const check = useQuery(schemaCheckQuery(form.schemaText, form.format === "json_schema"));
  const verdict = schemaVerdict(form, check);
  const id = `${idPrefix}-schema`;
  return (
    <div className="space-y-3 rounded-md border border-border p-3">
      <div className="grid grid-cols-[1fr_auto] items-end gap-3">
        <Field label="Schema name" htmlFor={`${id}-name`} error={errors.schemaName}>
          <Input id={`${id}-name`} value={form.schemaName} onChange={(e) => onChange({ schemaName: e.target.value })} aria-invalid={!!errors.schemaName} />
        </Field>
        <label className="flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" checked={form.strict} onChange={(e) => onChange({ strict: e.target.checked })} /> Strict
        </label>
      </div>
      <Field
        label="JSON Schema"
        htmlFor={id}
        error={verdict.state === "invalid" ? verdict.error : undefined}
        hint={verdict.state === "ok" ? "A valid JSON Schema." : verdict.state === "checking" ? "Checking…" : undefined}
      >
        <Textarea
          id={id}
          rows={8}
          spellCheck={false}
          className="font-mono text-xs"
          value={form.schemaText}
         
          onChange={(e) => onChange({ schemaText: e.target.value })}
          aria-invalid={verdict.state === "invalid"}
        />
      </Field>
    </div>
  );
}

/**
 * A column's sampling parameters and response format. Empty fields stay unset, so the version's
 * own defaults apply. Kept as one section so later options (RAG context, tools) sit beside it.
 */
export function ParamsFields(props: Props) {
  const { idPrefix, form, onChange, errors } = props;
  const number = (label: string, key: "temperature" | "topP" | "maxTokens" | "seed", hint: string) => (
    <Field label={label} htmlFor={`${idPrefix}-${key}`} error={errors[key]} hint={errors[key] ? undefined : hint}>
      <Input
        id={`${idPrefix}-${key}`}
        inputMode="decimal"
        placeholder="default"
        value={form[key]}
       
        onChange={(e) => onChange({ [key]: e.target.value })}
        aria-invalid={!!errors[key]}
      />
    </Field>
  );
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-sm font-medium">Parameters</legend>
      <div className="grid grid-cols-2 gap-3">
        {number("Temperature", "temperature", "0 to 2")}
        {number("Top P", "topP", "0 to 1")}
        {number("Max tokens", "maxTokens", "Up to 32,768")}
        {number("Seed", "seed", "Whole number")}
      </div>
      <Field label="Stop sequences" htmlFor={`${idPrefix}-stop`} error={errors.stop} hint={errors.stop ? undefined : "One per line, at most 4; write \\n for a line break."}>
        <Textarea id={`${idPrefix}-stop`} rows={2} className="min-h-0" value={form.stop} onChange={(e) => onChange({ stop: e.target.value })} aria-invalid={!!errors.stop} />
      </Field>
      <Field label="Response format" htmlFor={`${idPrefix}-format`}>
        <NativeSelect id={`${idPrefix}-format`} value={form.format} onChange={(e) => onChange({ format: e.target.value as FormatChoice })}>
          <option value="text">Text</option>
          <option value="json_object">JSON object</option>
          <option value="json_schema">JSON Schema</option>
        </NativeSelect>
      </Field>
      {form.format === "json_schema" && <SchemaEditor {...props} />}
    </fieldset>
  );
}
