import { SseSplitter } from "@/lib/gateway/sse";

/** What a streamed chat answer came to. */
export type ChatRun = { inputTokens: number | null; outputTokens: number | null; finishReason: string | null; ttftMs: number | null };

/**
 * Reads an OpenAI chat completion stream, handing each piece of text to `onText`. Resolves at
 * `[DONE]`; rejects with the stream's own error event, or when it ends without `[DONE]` (the
 * gateway's sign of a broken stream).
 */
export async function readChatStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void, startedAt: number): Promise<ChatRun> {
  const run: ChatRun = { inputTokens: null, outputTokens: null, finishReason: null, ttftMs: null };
  const splitter = new SseSplitter();
  const reader = body.getReader();
  const take = (events: ReturnType<SseSplitter["push"]>): boolean => {
    for (const event of events) {
      if (event.data === null) continue;
      if (event.data.trim() === "[DONE]") return true;
      const chunk = JSON.parse(event.data) as {
        error?: { message?: string };
        choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
      };
      if (chunk.error) throw new Error(chunk.error.message ?? "The model failed mid-answer.");
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) {
        run.ttftMs ??= Math.round(performance.now() - startedAt);
        onText(choice.delta.content);
      }
      if (choice?.finish_reason) run.finishReason = choice.finish_reason;
      if (chunk.usage) {
        run.inputTokens = chunk.usage.prompt_tokens ?? null;
        run.outputTokens = chunk.usage.completion_tokens ?? null;
      }
    }
    return false;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (take(splitter.push(value))) return run;
    }
  } catch (error) {
    if (error instanceof Error && error.name !== "TypeError") throw error;
    // A reset connection surfaces as a TypeError from fetch: the stream broke.
  } finally {
    reader.releaseLock();
  }
  if (take(splitter.end())) return run;
  throw new Error("The answer broke off before it was complete.");
}
