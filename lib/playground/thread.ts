import type { PlaygroundMessage } from "./schemas";

/** A message of the playground's shared thread; `id` keeps React's keys and focus steady across edits. */
export type ThreadMessage = { id: string; role: "user" | "assistant"; content: string };

/** Replaces one message's content or role. */
export function updateMessage(thread: ThreadMessage[], id: string, change: Partial<Omit<ThreadMessage, "id">>): ThreadMessage[] {
  return thread.map((m) => (m.id === id ? { ...m, ...change } : m));
}

/** Removes one message. */
export function removeMessage(thread: ThreadMessage[], id: string): ThreadMessage[] {
  return thread.filter((m) => m.id !== id);
}

/** Moves a message one place up (-1) or down (+1); at either end it stays where it is. */
export function moveMessage(thread: ThreadMessage[], id: string, by: -1 | 1): ThreadMessage[] {
  const from = thread.findIndex((m) => m.id === id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= thread.length) return thread;
  const next = [...thread];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

/** "Continue with this answer": the answer joins the thread as the assistant's, and an empty user message waits for the reply. */
export function continueWithAnswer(thread: ThreadMessage[], answer: string, newId: () => string): ThreadMessage[] {
  return [...thread, { id: newId(), role: "assistant", content: answer }, { id: newId(), role: "user", content: "" }];
}

/**
 * The messages a run sends: the system prompt first when there is one, then the thread without
 * its blank messages (the empty one "continue" leaves, say), which no model needs to see.
 */
export function runMessages(system: string, thread: ThreadMessage[]): PlaygroundMessage[] {
  const rest = thread.filter((m) => m.content.trim() !== "").map(({ role, content }) => ({ role, content }));
  return system.trim() ? [{ role: "system", content: system }, ...rest] : rest;
}

/** Why the thread cannot run yet, or null: the same rule as the run route's, said before any request. */
export function threadProblem(thread: ThreadMessage[]): string | null {
  return thread.some((m) => m.content.trim() !== "") ? null : "Write a message first: the thread is empty.";
}
