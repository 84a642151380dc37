import { describe, expect, it } from "vitest";
import { playgroundRunSchema } from "./schemas";
import { continueWithAnswer, moveMessage, removeMessage, runMessages, threadProblem, updateMessage, type ThreadMessage } from "./thread";

const thread: ThreadMessage[] = [
  { id: "a", role: "user", content: "first" },
  { id: "b", role: "assistant", content: "second" },
  { id: "c", role: "user", content: "third" },
];
const ids = (t: ThreadMessage[]) => t.map((m) => m.id).join("");

describe("thread edits", () => {
  it("moves a message up or down, and leaves the ends alone", () => {
    expect(ids(moveMessage(thread, "b", -1))).toBe("bac");
    expect(ids(moveMessage(thread, "b", 1))).toBe("acb");
    expect(moveMessage(thread, "a", -1)).toBe(thread);
    expect(moveMessage(thread, "c", 1)).toBe(thread);
    expect(moveMessage(thread, "missing", 1)).toBe(thread);
  });

  it("edits and deletes one message without touching the others", () => {
    expect(updateMessage(thread, "b", { content: "changed", role: "user" })[1]).toEqual({ id: "b", role: "user", content: "changed" });
    expect(updateMessage(thread, "b", { content: "changed" })[0]).toBe(thread[0]);
    expect(ids(removeMessage(thread, "a"))).toBe("bc");
  });

  it("continues with an answer: the answer as the assistant's, then an empty user message", () => {
    let n = 0;
    const next = continueWithAnswer(thread, "the answer", () => `n${++n}`);
    expect(next.slice(3)).toEqual([
      { id: "n1", role: "assistant", content: "the answer" },
      { id: "n2", role: "user", content: "" },
    ]);
  });
});

describe("what a run sends", () => {
  it("puts the system prompt first and leaves out blank messages", () => {
    const t: ThreadMessage[] = [...thread, { id: "d", role: "user", content: "   " }];
    expect(runMessages("Be brief.", t)).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "first" },
      { role: "assistant", content: "second" },
      { role: "user", content: "third" },
    ]);
    expect(runMessages("  ", thread)[0]).toEqual({ role: "user", content: "first" });
  });

  it("calls an empty thread empty, as the run route would", () => {
    const blank: ThreadMessage[] = [{ id: "a", role: "user", content: " " }];
    expect(threadProblem(blank)).toMatch(/thread is empty/);
    expect(threadProblem([])).toMatch(/thread is empty/);
    expect(threadProblem(thread)).toBeNull();
    expect(playgroundRunSchema.safeParse({ endpointId: "e", messages: runMessages("System only", blank) }).success).toBe(false);
    expect(playgroundRunSchema.safeParse({ endpointId: "e", messages: runMessages("", thread) }).success).toBe(true);
  });
});
