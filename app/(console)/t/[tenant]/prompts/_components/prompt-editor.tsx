"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { ParametersFields } from "@/components/prompts/parameters-fields";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input, NativeSelect, Textarea } from "@/components/ui/input";
import { createPrompt, savePromptVersion } from "@/lib/prompts/actions";
import type { PromptContent } from "@/lib/prompts/schemas";
import type { ActionResult } from "@/lib/tenancy/result";
import { errorReader, inputFrom, stateFrom, type EditorState } from "./editor-state";
import { MessagesEditor } from "./messages-editor";

type Mode = { kind: "create" } | { kind: "version"; promptId: string; name: string; fromVersion: number };

/**
 * The prompt editor: a new prompt's first version, or the next version of a prompt, started from
 * the version shown. Saving never changes a version; it adds one.
 */
export function PromptEditor(props: {
  tenant: string;
  mode: Mode;
  /** Chat endpoints of the tenant, which a prompt may target. */
  endpoints: string[];
  initial: { content: PromptContent; endpointName: string | null } | null;
}) {
  const { tenant, mode } = props;
  const router = useRouter();
  const [state, setState] = useState<EditorState>(() => stateFrom(props.initial));
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [result, setResult] = useState<ActionResult<{ name: string; version: number }> | null>(null);
  const [pending, start] = useTransition();
  const set = (change: Partial<EditorState>) => setState((s) => ({ ...s, ...change }));
  const errors = errorReader(result && !result.ok ? result.fieldErrors : undefined);
  const endpoints = state.endpoint && !props.endpoints.includes(state.endpoint) ? [state.endpoint, ...props.endpoints] : props.endpoints;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start(async () => {
      const input = inputFrom(state);
      const r =
        mode.kind === "create"
          ? await createPrompt({ tenant, name, description, ...input })
          : await savePromptVersion({ tenant, promptId: mode.promptId, ...input });
      setResult(r);
      if (!r.ok) return;
      set({ note: "" });
      // The page without ?version shows the newest version: the one just saved.
      router.push(`/t/${tenant}/prompts/${encodeURIComponent(r.data.name)}`);
      router.refresh();
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-5" data-testid="prompt-editor">
      {result && !result.ok && <FormError message={result.error} />}
      {result?.ok && <FormSuccess message={`Saved as version ${result.data.version}.`} />}
      {mode.kind === "create" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name" htmlFor="prompt-name" error={errors.at("name")} hint="Applications fetch it by this name.">
            <Input id="prompt-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="support-reply" aria-invalid={!!errors.at("name")} />
          </Field>
          <Field label="Description" htmlFor="prompt-description" error={errors.at("description")}>
            <Input id="prompt-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">
          Starts from version {mode.fromVersion}. Saving adds a new version; earlier versions stay as they are.
        </p>
      )}
      <Field label="System prompt" htmlFor="prompt-system" error={errors.at("system")} hint="Use {{variable}} for values filled in at run time.">
        <Textarea id="prompt-system" rows={4} value={state.system} onChange={(e) => set({ system: e.target.value })} aria-invalid={!!errors.at("system")} />
      </Field>
      <MessagesEditor messages={state.messages} onChange={(messages) => set({ messages })} errorAt={errors.at} />
      <ParametersFields
        idPrefix="param"
        form={state.parameters}
        onChange={(change) => setState((s) => ({ ...s, parameters: { ...s.parameters, ...change } }))}
        errors={(path) => errors.under(`parameters.${path}`)}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Target endpoint" htmlFor="prompt-endpoint" error={errors.at("endpoint")} hint="The chat endpoint applications send it to, as `model`.">
          <NativeSelect id="prompt-endpoint" value={state.endpoint} onChange={(e) => set({ endpoint: e.target.value })} aria-invalid={!!errors.at("endpoint")}>
            <option value="">No endpoint</option>
            {endpoints.map((e) => (
              <option key={e} value={e}>{e}</option>
            ))}
          </NativeSelect>
        </Field>
        <Field label="Note" htmlFor="prompt-note" error={errors.at("note")} hint="What changed, for whoever compares versions later.">
          <Input id="prompt-note" value={state.note} onChange={(e) => set({ note: e.target.value })} aria-invalid={!!errors.at("note")} />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : mode.kind === "create" ? "Create prompt" : "Save as new version"}
      </Button>
    </form>
  );
}
