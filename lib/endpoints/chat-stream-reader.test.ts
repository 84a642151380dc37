import { describe, expect, it } from "vitest";
import { readChatStream } from "./chat-stream-reader";

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(bytes.encode(part));
      controller.close();
    },
  });
}

const chunk = (content: string | null, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ delta: { content }, finish_reason: finish }] })}\n\n`;

describe("readChatStream", () => {
  it("hands over text as it arrives, split anywhere, and reads usage and finish reason", async () => {
    const text: string[] = [];
    const whole = chunk("Par") + chunk("is.") + chunk(null, "stop") + `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3 } })}\n\ndata: [DONE]\n\n`;
    const run = await readChatStream(streamOf(whole.slice(0, 7), whole.slice(7, 40), whole.slice(40)), (t) => text.push(t), performance.now());
    expect(text.join("")).toBe("Paris.");
    expect(run).toMatchObject({ inputTokens: 12, outputTokens: 3, finishReason: "stop" });
    expect(run.ttftMs).not.toBeNull();
  });

  it("fails on a stream that ends without [DONE], and on an error event", async () => {
    await expect(readChatStream(streamOf(chunk("Par")), () => {}, 0)).rejects.toThrow(/broke off/);
    const failed = chunk("Par") + `data: ${JSON.stringify({ error: { message: "The provider's stream broke off: reset" } })}\n\n`;
    await expect(readChatStream(streamOf(failed), () => {}, 0)).rejects.toThrow(/provider's stream broke off/);
  });
});
