import { describe, expect, it } from "vitest";
import { chatRequestFacts, describeAnswer, noteChunk, type AnswerFacts } from "./trace-facts";

describe("what a trace says of a request", () => {
  it("takes the generation parameters the caller set, and no others", () => {
    const body = { model: "m", messages: [{ role: "user" as const, content: "secret words" }], max_tokens: 10, max_completion_tokens: 20, temperature: 0, n: 2 };
    expect(chatRequestFacts(body)).toEqual({ maxTokens: 20, temperature: 0, topP: undefined, choiceCount: 2, seed: undefined });
    expect(JSON.stringify(chatRequestFacts(body))).not.toContain("secret");
  });

  it("reads a JSON answer's id, model and each choice's finish reason", () => {
    const answer = { id: "chatcmpl-1", model: "gpt-x", choices: [{ index: 1, finish_reason: "length" }, { index: 0, finish_reason: "stop" }] };
    expect(describeAnswer(answer)).toEqual({ id: "chatcmpl-1", model: "gpt-x", finishReasons: ["stop", "length"] });
  });

  it("gathers a stream's finish reasons from the chunks that end each choice", () => {
    const facts: AnswerFacts = {};
    noteChunk(facts, { id: "c", model: "m", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] });
    noteChunk(facts, { id: "c", model: "m", choices: [{ index: 1, delta: {}, finish_reason: "tool_calls" }] });
    noteChunk(facts, { id: "c", model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    noteChunk(facts, { id: "c", choices: [], usage: { prompt_tokens: 1 } });
    expect(facts).toEqual({ id: "c", model: "m", finishReasons: ["stop", "tool_calls"] });
  });

  it("ignores what is not a plausible id, model or reason", () => {
    expect(describeAnswer({ id: 7, model: "x".repeat(300), choices: [{ finish_reason: { evil: true } }, null] })).toEqual({});
  });
});
