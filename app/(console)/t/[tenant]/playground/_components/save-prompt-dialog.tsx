"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { BookmarkPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError, FormSuccess } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import type { promptInputFromColumn } from "@/lib/playground/library";
import { createPrompt, savePromptVersion } from "@/lib/prompts/actions";
import type { PromptChoice } from "@/lib/prompts/data";
import type { ActionResult } from "@/lib/tenancy/result";

/** The prompts of the tenant a new version may be saved to (listPromptNames); `more` when others were left out. */
export type PromptChoices = { prompts: PromptChoice[]; more: boolean };

type Props = {
  tenant: string;
  prompts: PromptChoices;
  /** What the column saves: its thread, parameters and endpoint. */
  input: ReturnType<typeof promptInputFromColumn>;
  /** The label of the version the column pins, if any: a prompt targets the endpoint, not a version. */
  pinnedVersion: string | null;
  /** The version the playground was opened from, and the variables filled in then. */
  source: { name: string; version: number; filled: string[] } | null;
};

type Saved = { name: string; version: number };

/** Where the server's errors about the content (which this dialog has no fields for) are fixed. */
function placeOf(path: string): string {
  if (path.startsWith("parameters")) return "Parameters";
  if (path.startsWith("messages")) return "Thread";
  if (path === "system") return "System prompt";
  if (path === "endpoint") return "Endpoint";
  return "Input";
}

const OWN_FIELDS = ["name", "promptId", "note"];

/**
 * "Save as prompt": the column's thread, parameters and endpoint as a new prompt, or as the next
 * version of one, through the prompt library's own actions; then a link to the version saved.
 */
export function SavePromptDialog({ tenant, prompts: { prompts, more }, input, pinnedVersion, source }: Props) {
  const router = useRouter();
  const fromPrompt = source ? prompts.find((p) => p.name === source.name) : undefined;
  const [mode, setMode] = useState<"new" | "version">(fromPrompt ? "version" : "new");
  const [name, setName] = useState("");
  const [promptId, setPromptId] = useState(fromPrompt?.id ?? prompts[0]?.id ?? "");
  const [note, setNote] = useState("");
  const [result, setResult] = useState<ActionResult<Saved> | null>(null);
  const [pending, start] = useTransition();
  const fieldErrors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const contentErrors = Object.entries(fieldErrors).filter(([path]) => !OWN_FIELDS.includes(path) && path !== "_form");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start(async () => {
      const r = mode === "new" ? await createPrompt({ tenant, name, description: "", note, ...input }) : await savePromptVersion({ tenant, promptId, note, ...input });
      setResult(r);
      if (!r.ok) return;
      setNote("");
      // The page's list of prompts now holds a new one, or a new newest version; the playground keeps its state.
      router.refresh();
    });
  };

  const saved = result?.ok ? result.data : null;
  return (
    <Dialog onOpenChange={(open) => open && setResult(null)}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm">
          <BookmarkPlus className="size-4" aria-hidden /> Save as prompt
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Save as prompt</DialogTitle>
          <DialogDescription>The thread, this column&apos;s parameters and its endpoint go to the prompt library, as a new prompt or as the next version of one.</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} noValidate className="space-y-4">
          <FormError message={result && !result.ok ? result.error : null} />
          {contentErrors.length > 0 && (
            <ul role="alert" className="list-inside list-disc text-sm text-destructive">
              {contentErrors.flatMap(([path, messages]) => messages.map((m) => <li key={`${path}:${m}`}>{`${placeOf(path)}: ${m}`}</li>))}
            </ul>
          )}
          {saved && (
            <div className="space-y-2">
              <FormSuccess message={`Saved as version ${saved.version} of ${saved.name}.`} />
              <Link href={`/t/${tenant}/prompts/${encodeURIComponent(saved.name)}?version=${saved.version}`} className="text-sm font-medium text-primary underline underline-offset-2">
                Open version {saved.version} of {saved.name}
              </Link>
            </div>
          )}
          <div role="radiogroup" aria-label="Save as" className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="save-mode" checked={mode === "new"} onChange={() => setMode("new")} /> New prompt
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="save-mode" checked={mode === "version"} disabled={prompts.length === 0} onChange={() => setMode("version")} /> New version of a prompt
            </label>
          </div>
          {mode === "new" ? (
            <Field label="Name" htmlFor="save-prompt-name" error={fieldErrors.name} hint="Applications fetch it by this name.">
              <Input id="save-prompt-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="support-reply" aria-invalid={!!fieldErrors.name} />
            </Field>
          ) : (
            <Field
              label="Prompt"
              htmlFor="save-prompt-id"
              error={fieldErrors.promptId}
              hint={more ? "Only the most recently changed prompts are listed. To save to another, open it in the playground from the prompt library." : undefined}
            >
              <NativeSelect id="save-prompt-id" value={promptId} onChange={(e) => setPromptId(e.target.value)}>
                {prompts.map((p) => (
                  <option key={p.id} value={p.id}>{`${p.name} (newest v${p.latestVersion})`}</option>
                ))}
              </NativeSelect>
            </Field>
          )}
          <Field label="Note" htmlFor="save-prompt-note" error={fieldErrors.note} hint="What this version is, for whoever compares versions later.">
            <Input id="save-prompt-note" value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={!!fieldErrors.note} />
          </Field>
          {pinnedVersion && (
            <p className="text-sm text-muted-foreground">
              This column pins version {pinnedVersion}; a prompt targets the endpoint, and applications get its active version.
            </p>
          )}
          {source && source.filled.length > 0 && (
            <p className="rounded-md border border-warning/25 bg-warning/10 p-3 text-sm">
              The thread has the values you filled in for {source.filled.map((v) => `{{${v}}}`).join(", ")}: saving keeps those values, not the variables.
            </p>
          )}
          <Button type="submit" disabled={pending || (mode === "version" && !promptId)}>
            {pending ? "Saving…" : mode === "new" ? "Create prompt" : "Save as new version"}
          </Button>
        </form>
      </DialogContent>
    </Dialog>
  );
}
