"use client";

import { useState } from "react";
import { Check, Code, Copy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { API_KEY_VARIABLE, buildSnippets, type SnippetInput } from "@/lib/playground/snippets";

function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // The clipboard needs a secure context (HTTPS or localhost); the text can still be selected by hand.
      setState("failed");
    }
  };
  return (
    <Button variant="outline" size="sm" onClick={copy} aria-label={`Copy the ${what} snippet`}>
      {state === "copied" ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
      {state === "copied" ? "Copied" : state === "failed" ? "Select and copy by hand" : "Copy"}
    </Button>
  );
}

type Props = {
  /** The first column's call, or why it cannot be written yet. */
  input: SnippetInput | { problem: string };
  /** Set when the first column pins a version: the API always gets the endpoint's active one. */
  pinnedVersion: string | null;
};

/** "Use in code": the first column's call for the official openai client (TypeScript, Python) and curl. */
export function CodeDialog({ input, pinnedVersion }: Props) {
  const snippets = "problem" in input ? null : buildSnippets(input);
  const languages = snippets ? ([["TypeScript", snippets.typescript], ["Python", snippets.python], ["curl", snippets.curl]] as const) : [];
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="outline">
          <Code className="size-4" aria-hidden /> Use in code
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>Use in code</DialogTitle>
          <DialogDescription>
            The first column&apos;s call with this thread and its parameters. Create an API key under API keys and set it as{" "}
            <code className="font-mono">{API_KEY_VARIABLE}</code>.
          </DialogDescription>
        </DialogHeader>
        {pinnedVersion && (
          <p className="rounded-md border border-warning/25 bg-warning/10 p-3 text-sm">
            This column is pinned to version <strong>{pinnedVersion}</strong>; pinning is a console feature. API calls get the endpoint&apos;s active version.
          </p>
        )}
        {"problem" in input && <p role="alert" className="text-sm text-destructive">{input.problem}</p>}
        {languages.map(([language, text]) => (
          <section key={language} aria-label={language} className="space-y-2">
            <div className="flex items-center justify-between">
              <h3 className="text-sm font-medium">{language}</h3>
              <CopyButton text={text} what={language} />
            </div>
            <pre className="max-h-72 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">{text}</pre>
          </section>
        ))}
      </DialogContent>
    </Dialog>
  );
}
