"use client";

import { ArrowDown, ArrowUp, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { NativeSelect, Textarea } from "@/components/ui/input";
import { moveMessage, removeMessage, updateMessage, type ThreadMessage } from "@/lib/playground/thread";

type Props = {
  system: string;
  onSystemChange: (system: string) => void;
  thread: ThreadMessage[];
  onThreadChange: (thread: ThreadMessage[]) => void;
  newId: () => string;
};

const ROLE_LABEL = { user: "User", assistant: "Assistant" } as const;

/** The thread every column runs: a system prompt, then user and assistant messages to edit, reorder or delete. */
export function ThreadEditor({ system, onSystemChange, thread, onThreadChange, newId }: Props) {
  const add = (role: ThreadMessage["role"]) => onThreadChange([...thread, { id: newId(), role, content: "" }]);
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle>Thread</CardTitle>
        <CardDescription>Every column runs this same conversation.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <Field label="System prompt" htmlFor="thread-system" hint="Optional: how the model should behave.">
          <Textarea id="thread-system" rows={2} value={system} onChange={(e) => onSystemChange(e.target.value)} placeholder="You are a helpful assistant." />
        </Field>
        <ol className="space-y-3">
          {thread.map((m, i) => {
            const name = `Message ${i + 1}`;
            return (
              <li key={m.id} className="rounded-md border border-border p-3">
                <div className="mb-2 flex flex-wrap items-center gap-2">
                  <label htmlFor={`${m.id}-role`} className="sr-only">{`${name} role`}</label>
                  <NativeSelect
                    id={`${m.id}-role`}
                    className="h-8 w-36"
                    value={m.role}
                    onChange={(e) => onThreadChange(updateMessage(thread, m.id, { role: e.target.value as ThreadMessage["role"] }))}
                  >
                    <option value="user">{ROLE_LABEL.user}</option>
                    <option value="assistant">{ROLE_LABEL.assistant}</option>
                  </NativeSelect>
                  <div className="ml-auto flex items-center gap-1">
                    <Button variant="ghost" size="icon" aria-label={`Move ${name.toLowerCase()} up`} disabled={i === 0} onClick={() => onThreadChange(moveMessage(thread, m.id, -1))}>
                      <ArrowUp className="size-4" aria-hidden />
                    </Button>
                    <Button variant="ghost" size="icon" aria-label={`Move ${name.toLowerCase()} down`} disabled={i === thread.length - 1} onClick={() => onThreadChange(moveMessage(thread, m.id, 1))}>
                      <ArrowDown className="size-4" aria-hidden />
                    </Button>
                    <Button variant="ghost" size="icon" aria-label={`Delete ${name.toLowerCase()}`} onClick={() => onThreadChange(removeMessage(thread, m.id))}>
                      <Trash2 className="size-4" aria-hidden />
                    </Button>
                  </div>
                </div>
                <label htmlFor={`${m.id}-content`} className="sr-only">{`${name} (${ROLE_LABEL[m.role].toLowerCase()})`}</label>
                <Textarea
                  id={`${m.id}-content`}
                  rows={3}
                  value={m.content}
                  onChange={(e) => onThreadChange(updateMessage(thread, m.id, { content: e.target.value }))}
                  placeholder={m.role === "user" ? "Ask something…" : "What the assistant said…"}
                />
              </li>
            );
          })}
        </ol>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={() => add("user")}>
            <Plus className="size-4" aria-hidden /> Add user message
          </Button>
          <Button variant="outline" size="sm" onClick={() => add("assistant")}>
            <Plus className="size-4" aria-hidden /> Add assistant message
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
