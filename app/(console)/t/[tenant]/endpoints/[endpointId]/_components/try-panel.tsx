"use client";

import { useRef, useState } from "react";
import { Play, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { readChatStream, type ChatRun } from "@/lib/endpoints/chat-stream-reader";
import { EmbeddingsResult, type Embedded } from "./embeddings-result";

type Outcome = { requestId: string | null; version: string | null; ms: number };

/**
 * Calls the endpoint on the spot through Keel's own gateway as the signed-in user: chat answers
 * stream in as they are generated; embeddings show their size and how alike the texts are.
 */
export function TryPanel({ tenant, endpointId, kind, versionLabels }: { tenant: string; endpointId: string; kind: "CHAT" | "EMBEDDINGS"; versionLabels: Record<string, string> }) {
  const [system, setSystem] = useState("");
  const [prompt, setPrompt] = useState("");
  const [maxTokens, setMaxTokens] = useState("128");
  const [texts, setTexts] = useState("");
  const [output, setOutput] = useState("");
  const [run, setRun] = useState<ChatRun | null>(null);
  const [embedded, setEmbedded] = useState<Embedded | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setError(undefined);
    setOutput("");
    setRun(null);
    setEmbedded(null);
    setOutcome(null);
    const started = performance.now();
    const lines = texts.split("\n").map((t) => t.trim()).filter(Boolean);
    const body =
      kind === "CHAT"
        ? { messages: [...(system.trim() ? [{ role: "system", content: system }] : []), { role: "user", content: prompt }], maxTokens: Number(maxTokens) || undefined }
        : { input: lines };
    try {
      const res = await fetch(`/api/t/${tenant}/endpoints/${endpointId}/try`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const version = res.headers.get("x-keel-model-version");
      const meta = { requestId: res.headers.get("x-request-id"), version: version ? (versionLabels[version] ?? version) : null };
      if (!res.ok || !res.body) {
        const problem = await res.json().catch(() => null);
        throw new Error(problem?.error?.message ?? `The request failed (HTTP ${res.status}).`);
      }
      if (kind === "CHAT") {
        const result = await readChatStream(res.body, (text) => setOutput((o) => o + text), started);
        setRun(result);
      } else {
        const json = await res.json();
        setEmbedded({ texts: lines, vectors: json.data.map((d: { embedding: number[] }) => d.embedding), tokens: json.usage?.prompt_tokens ?? null });
      }
      setOutcome({ ...meta, ms: Math.round(performance.now() - started) });
    } catch (e) {
      setError(controller.signal.aborted ? "Stopped." : e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
      abort.current = null;
    }
  };

  return (
    <Card data-testid="try-panel">
      <CardHeader>
        <CardTitle>Try it</CardTitle>
        <CardDescription>Runs through the gateway as you: limited, recorded and billed like an API call.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {kind === "CHAT" ? (
          <>
            <Field label="System message (optional)" htmlFor="try-system">
              <Input id="try-system" value={system} onChange={(e) => setSystem(e.target.value)} placeholder="You are a helpful assistant." />
            </Field>
            <Field label="Message" htmlFor="try-message">
              <Textarea id="try-message" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="Ask something…" />
            </Field>
            <Field label="Max tokens" htmlFor="try-max-tokens">
              <Input id="try-max-tokens" inputMode="numeric" className="w-32" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
            </Field>
          </>
        ) : (
          <Field label="Texts, one per line" htmlFor="try-texts" hint="Up to 16 texts; the result compares each pair.">
            <Textarea id="try-texts" rows={4} value={texts} onChange={(e) => setTexts(e.target.value)} placeholder={"How do I reset my password?\nSteps to change a password\nThe weather is fine today"} />
          </Field>
        )}
        <div className="flex gap-2">
          <Button onClick={start} disabled={running || (kind === "CHAT" ? !prompt.trim() : !texts.trim())}>
            <Play className="size-4" aria-hidden /> {running ? "Running…" : "Run"}
          </Button>
          {running && (
            <Button variant="outline" onClick={() => abort.current?.abort()}>
              <Square className="size-4" aria-hidden /> Stop
            </Button>
          )}
        </div>
        {kind === "CHAT" && (output || running) && (
          <pre data-testid="try-output" aria-live="polite" className="min-h-16 whitespace-pre-wrap rounded-md bg-muted p-3 text-sm">{output || "…"}</pre>
        )}
        {embedded && <EmbeddingsResult result={embedded} />}
        {error && <p role="alert" className="text-sm text-destructive">{error}</p>}
        {outcome && (
          <p data-testid="try-status" className="text-xs text-muted-foreground">
            {[
              run && `${run.outputTokens ?? "?"} output tokens (${run.inputTokens ?? "?"} in)`,
              run?.ttftMs != null && `first token after ${run.ttftMs} ms`,
              run?.finishReason && `finish: ${run.finishReason}`,
              `${outcome.ms} ms in all`,
              outcome.version && `version ${outcome.version}`,
              outcome.requestId && `request ${outcome.requestId}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
