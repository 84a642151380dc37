"use client";

import { useImperativeHandle, type ReactNode, type Ref } from "react";
import { Copy, X } from "lucide-react";
import { ParametersFields } from "@/components/prompts/parameters-fields";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { NativeSelect } from "@/components/ui/input";
import type { PlaygroundEndpoint, PlaygroundRun } from "@/lib/playground/schemas";
import type { Column } from "./column-state";
import { RunOutput } from "./run-output";
import { useColumnRun } from "./use-column-run";

/** What the page asks of a column: start a run with the shared thread (the page owns Stop's signal). */
export type ColumnHandle = { run: (body: PlaygroundRun, signal: AbortSignal) => void };

type Props = {
  ref: Ref<ColumnHandle>;
  tenant: string;
  index: number;
  column: Column;
  endpoints: PlaygroundEndpoint[];
  /** Every error at or under a parameter's path, from the library's parameter schema. */
  errors: (path: string) => string[] | undefined;
  onChange: (column: Column) => void;
  /** "Save as prompt", for those who may. */
  saveAction?: ReactNode;
  onRemove?: () => void;
  onCopySettings?: () => void;
  onContinue?: (answer: string) => void;
};

/** One side of the comparison: its endpoint, version and parameters, and its own answer and figures. */
export function ColumnPanel({ ref, tenant, index, column, endpoints, errors, onChange, saveAction, onRemove, onCopySettings, onContinue }: Props) {
  const run = useColumnRun(tenant, column.id);
  useImperativeHandle(ref, () => ({ run: (body, signal) => run.mutation.mutate({ body, signal }) }), [run.mutation]);
  const endpoint = endpoints.find((e) => e.id === column.endpointId);
  const labels = new Map(endpoints.flatMap((e) => e.versions.map((v) => [v.id, v.label] as const)));
  const active = endpoint?.versions.find((v) => v.id === endpoint.activeVersionId);
  const name = `Column ${index + 1}`;
  const id = column.id;
  return (
    <Card role="region" aria-label={name} className="min-w-0">
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-2 space-y-0 pb-3">
        <CardTitle className="whitespace-nowrap text-sm">{name}</CardTitle>
        <div className="flex flex-wrap items-center justify-end gap-1">
          {saveAction}
          {onCopySettings && (
            <Button variant="ghost" size="sm" onClick={onCopySettings}>
              <Copy className="size-4" aria-hidden /> Copy settings to other columns
            </Button>
          )}
          {onRemove && (
            <Button variant="ghost" size="icon" onClick={onRemove} aria-label={`Remove ${name.toLowerCase()}`}>
              <X className="size-4" aria-hidden />
            </Button>
          )}
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Endpoint" htmlFor={`${id}-endpoint`}>
            <NativeSelect id={`${id}-endpoint`} value={column.endpointId} onChange={(e) => onChange({ ...column, endpointId: e.target.value, versionId: null })}>
              {endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                  {e.disabled ? " (disabled)" : ""}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field label="Version" htmlFor={`${id}-version`}>
            <NativeSelect id={`${id}-version`} value={column.versionId ?? ""} onChange={(e) => onChange({ ...column, versionId: e.target.value || null })}>
              <option value="">{active ? `Active version (${active.label})` : "Active version"}</option>
              {endpoint?.versions.map((v) => (
                <option key={v.id} value={v.id} title={v.providerModel}>
                  {v.label}
                </option>
              ))}
            </NativeSelect>
          </Field>
        </div>
        <ParametersFields idPrefix={id} form={column.form} errors={errors} onChange={(change) => onChange({ ...column, form: { ...column.form, ...change } })} />
        <RunOutput tenant={tenant} run={run} versionLabel={(v) => labels.get(v) ?? v} onContinue={onContinue} />
      </CardContent>
    </Card>
  );
}
