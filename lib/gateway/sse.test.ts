import { describe, expect, it } from "vitest";
import { ChatStreamTap } from "./steps/respond-stream";
import { SseSplitter } from "./sse";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("SseSplitter", () => {
  it("finds events however the network chunks them, CRLF and split characters included", () => {
    const text = 'data: {"a":"é"}\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const all = bytes(text);
    for (const size of [1, 2, 3, 7, all.length]) {
      const splitter = new SseSplitter();
      const events = [];
      for (let i = 0; i < all.length; i += size) events.push(...splitter.push(all.subarray(i, i + size)));
      events.push(...splitter.end());
      expect(events.map((e) => e.data)).toEqual(['{"a":"é"}', null, "line1\nline2", "[DONE]"]);
    }
  });

  it("refuses to hold an event that never ends past its limit, however it is chunked", () => {
    const splitter = new SseSplitter(1024);
    expect(splitter.push(bytes("data: ok\n\n"))).toHaveLength(1);
    splitter.push(bytes("data: " + "a".repeat(500)));
    splitter.push(bytes("a".repeat(500)));
    expect(() => splitter.push(bytes("a".repeat(100)))).toThrow(expect.objectContaining({ status: 502, code: "upstream_event_too_large" }));
    // One chunk holding a whole event over the limit is refused too.
    expect(() => new SseSplitter(1024).push(bytes(`data: ${"b".repeat(2000)}\n\n`))).toThrow(/longer than 1024/);
  });

  it("holds a trickled event in time linear in its length: a byte at a time cannot stall the process", () => {
    // Searching the whole event again on every chunk took 95 s for 256k one-byte chunks here.
    const splitter = new SseSplitter();
    splitter.push(bytes('data: {"x":"'));
    const one = bytes("a");
    const started = performance.now();
    for (let i = 0; i < 300_000; i++) splitter.push(one);
    const [event] = splitter.push(bytes('"}\n\n'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(event.data).toHaveLength(300_000 + 8);
  });

  it("keeps an unfinished event until the stream ends", () => {
    const splitter = new SseSplitter();
    expect(splitter.push(bytes('data: {"x":1}\n'))).toEqual([]);
    expect(splitter.end()).toEqual([{ raw: 'data: {"x":1}\n', data: '{"x":1}' }]);
  });
});

describe("ChatStreamTap", () => {
  const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
  const stream =
    chunk({ choices: [{ index: 0, delta: { content: "Hel" } }], usage: null }) +
    chunk({ choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }], usage: null }) +
    chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }) +
    "data: [DONE]\n\n";

  it("reads usage and holds back [DONE]; drops the usage chunk for a caller who did not ask", () => {
    const tap = new ChatStreamTap(false);
    const out = tap.push(bytes(stream)) + tap.end();
    expect(tap.usage).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(tap.sawDone).toBe(true);
    expect(tap.outputChars).toBe(5);
    expect(tap.firstContentAt).not.toBeNull();
    expect(out).not.toContain("[DONE]");
    expect(out).not.toContain("prompt_tokens");
    expect(out.match(/^data: /gm)).toHaveLength(2);
  });

  it("passes the usage chunk to a caller who asked for it", () => {
    const tap = new ChatStreamTap(true);
    expect(tap.push(bytes(stream))).toContain('"prompt_tokens":5');
  });

  it("strips usage riding on a content chunk but keeps the content", () => {
    const tap = new ChatStreamTap(false);
    const out = tap.push(bytes(chunk({ choices: [{ index: 0, delta: { content: "x" } }], usage: { prompt_tokens: 1, completion_tokens: 1 } })));
    expect(out).toContain('"content":"x"');
    expect(out).not.toContain("usage");
    expect(tap.usage).toEqual({ inputTokens: 1, outputTokens: 1 });
  });

  it("notices an error the provider sends mid-stream and holds it back for the end", () => {
    const tap = new ChatStreamTap(false);
    expect(tap.push(bytes(chunk({ error: { message: "boom" } })))).toBe("");
    expect(tap.providerError).toEqual({ message: "boom" });
    expect(tap.providerErrorEvent).toBe(chunk({ error: { message: "boom" } }));
  });

  it("sends nothing after a provider's error event, and keeps the usage it carried", () => {
    const tap = new ChatStreamTap(false);
    const after = chunk({ choices: [{ index: 0, delta: { content: "late" } }] });
    const out = tap.push(bytes(chunk({ error: { message: "first" }, usage: { prompt_tokens: 3, completion_tokens: 4 } }) + chunk({ error: { message: "second" } }) + after));
    expect(out).toBe("");
    expect(tap.providerError).toEqual({ message: "first" });
    expect(tap.usage).toEqual({ inputTokens: 3, outputTokens: 4 });
  });
});
