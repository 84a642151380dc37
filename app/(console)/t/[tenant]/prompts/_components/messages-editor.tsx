"use client";

import { ArrowDown, ArrowUp, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { NativeSelect, Textarea } from "@/components/ui/input";
import { MAX_MESSAGES } from "@/lib/prompts/schemas";
import { newMessage, type EditorMessage } from "./editor-state";

/** The template's messages: add, edit, delete and reorder; each shows the server's errors for it. */
export function MessagesEditor({
  messages,
  onChange,
  errorAt,
}: {
  messages: EditorMessage[];
  onChange: (messages: EditorMessage[]) => void;
  errorAt: (path: string) => string[] | undefined;
}) {
  const update = (i: number, change: Partial<EditorMessage>) => onChange(messages.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...messages];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  // After a user message the assistant usually answers, and the other way round.
  const nextRole = messages.at(-1)?.role === "user" ? "assistant" : "user";
  return (
    <fieldset className="space-y-3" data-testid="messages-editor">
      <legend className="text-sm font-medium">Messages</legend>
      {messages.map((m, i) => (
        <div key={m.key} className="space-y-2 rounded-md border border-border p-3" data-testid={`message-${i + 1}`}>
          <div className="flex items-center gap-2">
            <NativeSelect
              aria-label={`Role of message ${i + 1}`}
              className="w-36"
              value={m.role}
              onChange={(e) => update(i, { role: e.target.value as EditorMessage["role"] })}
            >
              <option value="user">user</option>
              <option value="assistant">assistant</option>
            </NativeSelect>
            <div className="ml-auto flex gap-1">
              <Button type="button" variant="ghost" size="icon" aria-label={`Move message ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                <ArrowUp className="size-4" aria-hidden />
              </Button>
              <Button type="button" variant="ghost" size="icon" aria-label={`Move message ${i + 1} down`} disabled={i === messages.length - 1} onClick={() => move(i, 1)}>
                <ArrowDown className="size-4" aria-hidden />
              </Button>
              <Button type="button" variant="ghost" size="icon" aria-label={`Delete message ${i + 1}`} onClick={() => onChange(messages.filter((_, j) => j !== i))}>
                <Trash2 className="size-4" aria-hidden />
              </Button>
            </div>
          </div>
          <Field label={`Message ${i + 1}`} htmlFor={`message-${m.key}`} error={[...(errorAt(`messages.${i}.content`) ?? []), ...(errorAt(`messages.${i}.role`) ?? [])]}>
            <Textarea
              id={`message-${m.key}`}
              rows={3}
              value={m.content}
              onChange={(e) => update(i, { content: e.target.value })}
              placeholder={m.role === "user" ? "Summarise {{document}} for {{audience}}." : "An example answer."}
              aria-invalid={!!errorAt(`messages.${i}.content`)}
            />
          </Field>
        </div>
      ))}
      {errorAt("messages") && (
        <p role="alert" className="text-sm text-destructive">
          {errorAt("messages")!.join(" ")}
        </p>
      )}
      <Button type="button" variant="outline" size="sm" disabled={messages.length >= MAX_MESSAGES} onClick={() => onChange([...messages, newMessage(nextRole)])}>
        <Plus className="size-4" aria-hidden /> Add message
      </Button>
    </fieldset>
  );
}
