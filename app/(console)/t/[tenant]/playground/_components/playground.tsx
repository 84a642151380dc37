"use client";

import { useEffect, useRef, useState } from "react";
import { useIsMutating, useQueries } from "@tanstack/react-query";
import { Play, Plus, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { PlaygroundEndpoint } from "@/lib/playground/schemas";
import { continueWithAnswer, runMessages, threadProblem, type ThreadMessage } from "@/lib/playground/thread";
import { CodeDialog } from "./code-dialog";
import { ColumnPanel, type ColumnHandle } from "./column-panel";
import { defaultEndpointId, EMPTY_FORM, MAX_COLUMNS, paramsFromForm, type Column, type ParamsResult } from "./column-state";
import { schemaCheckQuery, schemaVerdict } from "./schema-check";
import { ThreadEditor } from "./thread-editor";
import { RUN_KEY } from "./use-column-run";

type Props = { tenant: string; endpoints: PlaygroundEndpoint[]; canRun: boolean; roleLabel: string; publicUrl: string };

const errorsOf = (r: ParamsResult) => (r.ok ? {} : r.errors);

type Problem = { message: string; waiting?: boolean };

const GRID = ["", "grid-cols-1", "lg:grid-cols-2", "lg:grid-cols-3"];

/**
 * The prompt playground: one shared thread, run against one to three columns (endpoint, version
 * and parameters each) in parallel through the gateway. Stop aborts every running column.
 */
export function Playground({ tenant, endpoints, canRun, roleLabel, publicUrl }: Props) {
  const counter = useRef(0);
  // Ids made only in event handlers, so server and browser render the same first ids.
  const newId = () => `n${++counter.current}`;
  const [system, setSystem] = useState("");
  const [thread, setThread] = useState<ThreadMessage[]>([{ id: "m0", role: "user", content: "" }]);
  const [columns, setColumns] = useState<Column[]>([{ id: "c0", endpointId: defaultEndpointId(endpoints), versionId: null, form: EMPTY_FORM }]);
  const handles = useRef(new Map<string, ColumnHandle>());
  const stopper = useRef<AbortController | null>(null);
  const focusNext = useRef<string | null>(null);
  const running = useIsMutating({ mutationKey: RUN_KEY }) > 0;

  const checks = useQueries({ queries: columns.map((c) => schemaCheckQuery(c.form.schemaText, c.form.format === "json_schema")) });
  const verdicts = columns.map((c, i) => schemaVerdict(c.form, checks[i]));
  const params = columns.map((c, i) => {
    const v = verdicts[i];
    return paramsFromForm(c.form, v.state === "ok" ? v.schema : null);
  });

  // What keeps Run disabled; a schema still being checked is a wait, not a fault.
  const columnProblem = (i: number): Problem | null => {
    const v = verdicts[i];
    const p = params[i];
    if (!columns[i].endpointId) return { message: `Column ${i + 1}: pick an endpoint.` };
    if (v.state === "invalid") return { message: `Column ${i + 1}: the JSON Schema is not valid; its editor says why.` };
    if (v.state === "checking") return { message: `Column ${i + 1}: checking the JSON Schema…`, waiting: true };
    return p.ok ? null : { message: `Column ${i + 1}: fix the parameters marked in red.` };
  };
  const threadIssue = threadProblem(thread);
  const problem: Problem | null = threadIssue ? { message: threadIssue } : (columns.map((_, i) => columnProblem(i)).find((x) => x !== null) ?? null);

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
      if (p.ok) handles.current.get(c.id)?.run({ endpointId: c.endpointId, versionId: c.versionId, messages, params: p.params }, controller.signal);
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
      ? { publicUrl, endpointName: firstEndpoint.name, messages: runMessages(system, thread), params: firstParams.params }
      : { problem: "Fix the first column's endpoint and parameters to get its code." };
  const pinned = first.versionId ? (firstEndpoint?.versions.find((v) => v.id === first.versionId)?.label ?? null) : null;

  return (
    <div
      className="space-y-6"
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
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
        <CodeDialog input={snippet} pinnedVersion={pinned} />
        {canRun && problem && !running && (
          <p id="run-problem" data-testid="run-problem" className={problem.waiting ? "text-sm text-muted-foreground" : "text-sm text-destructive"}>
            {problem.message}
          </p>
        )}
      </div>
      {!canRun && (
        <p data-testid="cannot-run" className="text-sm text-muted-foreground">
          The {roleLabel} role can look at the playground but not run prompts: runs are recorded and billed like API calls.
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
            errors={errorsOf(params[i])}
            onChange={setColumn}
            onRemove={columns.length > 1 && !running ? () => setColumns((cs) => cs.filter((x) => x.id !== c.id)) : undefined}
            onCopySettings={columns.length > 1 ? () => copySettings(c) : undefined}
            onContinue={canRun ? onContinue : undefined}
          />
        ))}
      </div>
    </div>
  );
}
