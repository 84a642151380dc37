"use client";

import { useEffect, useRef, useState } from "react";
import { useIsMutating } from "@tanstack/react-query";
import { Play, Plus, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import { promptInputFromColumn, type PlaygroundStart } from "@/lib/playground/library";
import type { PlaygroundEndpoint } from "@/lib/playground/schemas";
import { continueWithAnswer, runMessages, threadProblem, type ThreadMessage } from "@/lib/playground/thread";
import { checkParametersForm, EMPTY_PARAMETERS_FORM, errorsUnder } from "@/lib/prompts/parameters-form";
import { CodeDialog } from "./code-dialog";
import { ColumnPanel, type ColumnHandle } from "./column-panel";
import { defaultEndpointId, MAX_COLUMNS, type Column } from "./column-state";
import { SavePromptDialog, type PromptChoices } from "./save-prompt-dialog";
import { ThreadEditor } from "./thread-editor";
import { RUN_KEY } from "./use-column-run";

type Props = {
  tenant: string;
  endpoints: PlaygroundEndpoint[];
  canRun: boolean;
  /** Why the viewer cannot run, when they cannot; shown instead of the Run button. */
  cannotRun: string;
  publicUrl: string;
  /** A prompt version to start from, opened from the library. */
  start: PlaygroundStart | null;
  /** The tenant's prompts, for "Save as prompt"; null for a role that may not save prompts. */
  prompts: PromptChoices | null;
};

const GRID = ["", "grid-cols-1", "lg:grid-cols-2", "lg:grid-cols-3"];

/**
 * The prompt playground: one shared thread, run against one to three columns (endpoint, version
 * and parameters each) in parallel through the gateway. Stop aborts every running column.
 */
export function Playground({ tenant, endpoints, canRun, cannotRun, publicUrl, start, prompts }: Props) {
  const counter = useRef(0);
  // Ids made only in event handlers, so server and browser render the same first ids.
  const newId = () => `n${++counter.current}`;
  const [system, setSystem] = useState(start?.system ?? "");
  const [thread, setThread] = useState<ThreadMessage[]>(start?.thread ?? [{ id: "m0", role: "user", content: "" }]);
  const [columns, setColumns] = useState<Column[]>([
    { id: "c0", endpointId: start?.endpointId ?? defaultEndpointId(endpoints), versionId: null, form: start?.parameters ?? EMPTY_PARAMETERS_FORM },
  ]);
  const handles = useRef(new Map<string, ColumnHandle>());
  const stopper = useRef<AbortController | null>(null);
  const focusNext = useRef<string | null>(null);
  const running = useIsMutating({ mutationKey: RUN_KEY }) > 0;

  // The library's parameter schema, the JSON Schema check included, as the run route will apply it.
  const params = columns.map((c) => checkParametersForm(c.form));
  const errorsOf = (i: number) => {
    const p = params[i];
    return (path: string) => (p.ok ? undefined : errorsUnder(p.errors, path));
  };

  // What keeps Run disabled.
  const columnProblem = (i: number): string | null => {
    if (!columns[i].endpointId) return `Column ${i + 1}: pick an endpoint.`;
    if (errorsOf(i)("response_format.json_schema.schema")) return `Column ${i + 1}: the JSON Schema is not valid; its editor says why.`;
    return params[i].ok ? null : `Column ${i + 1}: fix the parameters marked in red.`;
  };
  const problem = threadProblem(thread) ?? columns.map((_, i) => columnProblem(i)).find((x) => x !== null) ?? null;

  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(`${focusNext.current}-content`)?.focus();
    focusNext.current = null;
  }, [thread]);

  const runAll = () => {
    if (!canRun || running || problem) return;
    const controller = new AbortController();
    stopper.current = controller;
    const messages = runMessages(system, thread);
    columns.forEach((c, i) => {
      const p = params[i];
      if (p.ok) handles.current.get(c.id)?.run({ endpointId: c.endpointId, versionId: c.versionId, messages, params: p.parameters }, controller.signal);
    });
  };

  const setColumn = (next: Column) => setColumns((cs) => cs.map((c) => (c.id === next.id ? next : c)));
  const addColumn = () => setColumns((cs) => [...cs, { ...cs[cs.length - 1], id: newId(), versionId: null }]);
  const copySettings = (from: Column) =>
    setColumns((cs) => cs.map((c) => (c.id === from.id ? c : { ...c, endpointId: from.endpointId, versionId: from.versionId, form: { ...from.form } })));
  const onContinue = (answer: string) => {
    const next = continueWithAnswer(thread, answer, newId);
    focusNext.current = next[next.length - 1].id;
    setThread(next);
  };

  const first = columns[0];
  const firstEndpoint = endpoints.find((e) => e.id === first.endpointId);
  const firstParams = params[0];
  const snippet =
    firstEndpoint && firstParams.ok
      ? { publicUrl, endpointName: firstEndpoint.name, messages: runMessages(system, thread), params: firstParams.parameters }
      : { problem: "Fix the first column's endpoint and parameters to get its code." };
  const pinnedLabel = (c: Column) => (c.versionId ? (endpoints.find((e) => e.id === c.endpointId)?.versions.find((v) => v.id === c.versionId)?.label ?? null) : null);
  const saveAction = (c: Column) =>
    prompts && (
      <SavePromptDialog
        tenant={tenant}
        prompts={prompts}
        input={promptInputFromColumn(system, thread, c.form, endpoints.find((e) => e.id === c.endpointId)?.name ?? null)}
        pinnedVersion={pinnedLabel(c)}
        source={start && { ...start.source, filled: start.filled }}
      />
    );

  return (
    <div
      className="space-y-6"
      onKeyDown={(e) => {
        // React passes on keys typed in a dialog's portal too; Ctrl+Enter there is the dialog's own.
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && e.currentTarget.contains(e.target as Node)) {
          e.preventDefault();
          runAll();
        }
      }}
    >
      <ThreadEditor system={system} onSystemChange={setSystem} thread={thread} onThreadChange={setThread} newId={newId} />
      <div className="flex flex-wrap items-center gap-2">
        {canRun && (
          <Button onClick={runAll} disabled={running || problem !== null} aria-describedby={problem ? "run-problem" : undefined} title="Ctrl+Enter runs">
            <Play className="size-4" aria-hidden /> Run
          </Button>
        )}
        {canRun && running && (
          <Button variant="outline" onClick={() => stopper.current?.abort()}>
            <Square className="size-4" aria-hidden /> Stop
          </Button>
        )}
        {columns.length < MAX_COLUMNS && (
          <Button variant="outline" onClick={addColumn} disabled={running}>
            <Plus className="size-4" aria-hidden /> Add column to compare
          </Button>
        )}
        <CodeDialog input={snippet} pinnedVersion={pinnedLabel(first)} />
        {canRun && problem && !running && (
          <p id="run-problem" data-testid="run-problem" className="text-sm text-destructive">
            {problem}
          </p>
        )}
      </div>
      {!canRun && (
        <p data-testid="cannot-run" className="text-sm text-muted-foreground">
          {cannotRun}
        </p>
      )}
      <div className={`grid gap-4 ${GRID[columns.length]}`}>
        {columns.map((c, i) => (
          <ColumnPanel
            key={c.id}
            ref={(h) => {
              if (h) handles.current.set(c.id, h);
              else handles.current.delete(c.id);
            }}
            tenant={tenant}
            index={i}
            column={c}
            endpoints={endpoints}
            errors={errorsOf(i)}
            onChange={setColumn}
            saveAction={saveAction(c)}
            onRemove={columns.length > 1 && !running ? () => setColumns((cs) => cs.filter((x) => x.id !== c.id)) : undefined}
            onCopySettings={columns.length > 1 ? () => copySettings(c) : undefined}
            onContinue={canRun ? onContinue : undefined}
          />
        ))}
      </div>
    </div>
  );
}
