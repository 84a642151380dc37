import { describe, expect, it } from "vitest";
import { MAX_CAPTURED_CHARS, MAX_STORED_BYTES, StreamCapture, chatInputText, chatOutputText, embeddingsInputText, storedContent } from "./content";

const at = new Date("2026-12-04T10:00:00.000Z");

describe("what is captured", () => {
  it("a chat's messages, one role-prefixed block each, text parts read and others named", () => {
    const input = chatInputText([
      { role: "system", content: "Be brief." },
      { role: "user", name: "ann", content: [{ type: "text", text: "What is in" }, { type: "image_url", image_url: { url: "x" } }] },
      { role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "lookup", arguments: '{"q":"a@b.io"}' } }] },
      { role: "tool", content: "found" },
    ]);
    expect(input).toEqual({
      text: 'system: Be brief.\nuser (ann): What is in\n[image_url]\nassistant: [tool call] lookup({"q":"a@b.io"})\ntool: found',
      cut: false,
    });
  });

  it("an answer's choices, and a stream's deltas per choice", () => {
    expect(chatOutputText({ choices: [{ message: { role: "assistant", content: "Hi" } }] })).toEqual({ text: "Hi", cut: false });
    expect(chatOutputText({ choices: [{ message: { content: "A" } }, { message: { content: null, refusal: "No" } }] }).text).toBe("[choice 0]\nA\n[choice 1]\n[refusal] No");
    const stream = new StreamCapture();
    stream.add([{ index: 0, delta: { role: "assistant", content: "Hel" } }]);
    stream.add([{ index: 0, delta: { content: "lo" } }, { index: 0, delta: {} }]);
    expect(stream.done()).toEqual({ text: "Hello", cut: false });
  });

  it("embeddings inputs, token ids counted rather than decoded", () => {
    expect(embeddingsInputText("one")).toEqual({ text: "one", cut: false });
    expect(embeddingsInputText(["one", "two"]).text).toBe("one\ntwo");
    expect(embeddingsInputText([1, 2, 3]).text).toBe("[3 token ids]");
    expect(embeddingsInputText([[1, 2], [3]]).text).toBe("[2 token ids]\n[1 token ids]");
  });

  it("stops at MAX_CAPTURED_CHARS, saying so", () => {
    const big = "x".repeat(MAX_CAPTURED_CHARS);
    expect(chatInputText([{ role: "user", content: big }])).toMatchObject({ cut: true });
    expect(chatInputText([{ role: "user", content: big }]).text.length).toBe(MAX_CAPTURED_CHARS);
    const stream = new StreamCapture();
    for (let i = 0; i < 3; i++) stream.add([{ index: 0, delta: { content: "y".repeat(MAX_CAPTURED_CHARS / 2) } }]);
    expect(stream.done().text.length).toBe(MAX_CAPTURED_CHARS);
    expect(stream.done().cut).toBe(true);
  });
});

describe("what is stored", () => {
  it("input and output redacted, counted together, expiring after the retention", () => {
    const stored = storedContent(
      { retentionDays: 30, input: { text: "user: mail ann@example.org, card 4111 1111 1111 1111", cut: false } },
      { text: "Noted ann@example.org.", cut: false },
      at,
    );
    expect(stored).toEqual({
      input: "user: mail [EMAIL], card [CARD]",
      output: "Noted [EMAIL].",
      redactions: 3,
      expiresAt: new Date("2027-01-03T10:00:00.000Z"),
    });
  });

  it("at most 256 KB of UTF-8 each, never half a character, with a note when cut", () => {
    const stored = storedContent({ retentionDays: 1, input: { text: "é".repeat(MAX_STORED_BYTES), cut: false } }, null, at);
    const [body, note] = stored.input.split("\n[cut:");
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_STORED_BYTES);
    expect(body).toBe("é".repeat(MAX_STORED_BYTES / 2));
    expect(note).toMatch(/256 KB/);
    expect(stored.output).toBeNull();
  });

  it("drops the end of a cut capture, where a value cut in two would go unrecognised", () => {
    const text = `${"word ".repeat(1000)}card 4111 1111 11`;
    const stored = storedContent({ retentionDays: 1, input: { text, cut: true } }, null, at);
    expect(stored.input).not.toMatch(/4111/);
    expect(stored.input).toMatch(/\n\[cut: /);
  });

  it("replaces NUL, which PostgreSQL text cannot hold", () => {
    expect(storedContent({ retentionDays: 1, input: { text: "a\u0000b", cut: false } }, null, at).input).toBe("a\uFFFDb");
  });
});
