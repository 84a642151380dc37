import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { StreamCapture } from "@/lib/privacy/content";
import { bodyError, consumeBody } from "@/lib/providers/body";
import { GatewayError, abortedBy, apiError, clientClosed, clientStalled, writeHead } from "../errors";
import type { Metered } from "../exchange";
import type { RequestSignal } from "../request-signal";
import type { ChatBody } from "../schemas";
import { SSE_EVENT_TOO_LARGE, SseSplitter, type SseEvent } from "../sse";
import { chatPromptChars, choiceChars, readUsage, tokensForChars, type Usage } from "../tokens";
import { StreamFinish } from "../finish-reason";
import { noteChunk, type AnswerFacts } from "../trace-facts";
import type { Called } from "./call";
import type { Commit } from "./record";
import { meter, type AnswerHeaders } from "./respond";

/**
 * Reads a chat completion stream on its way through: usage, the first content (time to first
 * token), the end marker and any error the provider sent. It holds back `[DONE]` and the
 * provider's error event, which the gateway sends only once the request record is durable, and
 * drops the usage chunk the gateway asked for on its own when the caller did not. Asked to
 * (`capture`, for tenants that keep request content), it also keeps the answer's text, bounded
 * (lib/privacy/content.ts); asked to `describe` (the gateway traces), the answer's id, model and
 * finish reasons.
 */
export class ChatStreamTap {
  usage: Usage | null = null;
  outputChars = 0;
  firstContentAt: number | null = null;
  sawDone = false;
  providerError: { message?: unknown } | null = null;
  /** The provider's error event, held back like `[DONE]`: the caller gets it once the record is durable. */
  providerErrorEvent = "";
  /** The answer's text so far, when asked to keep it. */
  readonly text: StreamCapture | null;
  /** What the request's span says of the answer, when asked for. */
  readonly facts: AnswerFacts | null;
  /** Why the answer ended, for its record. */
  readonly finish = new StreamFinish();
  private readonly splitter = new SseSplitter();

  constructor(private readonly callerWantsUsage: boolean, capture = false, describe = false) {
    this.text = capture ? new StreamCapture() : null;
    this.facts = describe ? {} : null;
  }

  /** The text to send the caller for this chunk of the provider's stream. */
  push(chunk: Uint8Array): string {
    return this.pass(this.splitter.push(chunk));
  }

  /** The text to send for what was left when the provider's stream ended. */
  end(): string {
    return this.pass(this.splitter.end());
  }

  private pass(events: SseEvent[]): string {
    let out = "";
    for (const event of events) out += this.passEvent(event);
    return out;
  }

  private passEvent(event: SseEvent): string {
    // The provider's error event is the stream's last word: nothing after it goes to the caller.
    if (this.providerError) return "";
    if (event.data === null || this.sawDone) return this.sawDone ? "" : `${event.raw}\n\n`;
    if (event.data.trim() === "[DONE]") {
      this.sawDone = true;
      return "";
    }
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return `${event.raw}\n\n`;
    }
    if (chunk?.error) {
      this.providerError = chunk.error as { message?: unknown };
      this.providerErrorEvent = `${event.raw}\n\n`;
      // Usage riding on the error event is still what the request used.
      if (chunk.usage != null) this.usage = readUsage(chunk.usage) ?? this.usage;
      return "";
    }
    if (this.facts && chunk) noteChunk(this.facts, chunk);
    this.finish.note(chunk?.choices);
    const chars = choiceChars(chunk.choices);
    this.outputChars += chars;
    if (chars > 0 && this.text) this.text.add(chunk.choices);
    if (chars > 0 && this.firstContentAt === null) this.firstContentAt = performance.now();
    if (chunk.usage == null) return `${event.raw}\n\n`;
    this.usage = readUsage(chunk.usage) ?? this.usage;
    if (this.callerWantsUsage) return `${event.raw}\n\n`;
    if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return "";
    // Some providers put usage on the last content chunk: keep the content, drop the usage.
    delete chunk.usage;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}

/**
 * The respond step for a streamed chat: pipes the provider's SSE to the caller as it arrives. A
 * stream changes what this step may do: the status and headers leave before the answer is known,
 * so a failure from here on cannot become an error status, and the call step's fallbacks are
 * behind it. The record is written before the final `data: [DONE]`; a stream that breaks or ends
 * without `[DONE]` reaches the caller as an error event followed by a reset connection, never as a
 * clean ending, and is recorded as failed. A caller too slow to take the answer, which has kept it
 * waiting `stalledCallerMs` in all, is cut off and recorded as 499 `client_stalled`: otherwise a
 * caller reading nothing, or a trickle, would hold its record and a provider connection (whose
 * body timeout does not run while the body is paused) for as long as it kept its own open. With
 * `keepOutput` (the tenant keeps request content) the record gets the answer's text too, as far as
 * it came; with `describe` (the gateway traces) the outcome carries the answer's facts for its span.
 */
export async function respondStream(
  res: ServerResponse,
  called: Called,
  body: ChatBody,
  headers: AnswerHeaders,
  commit: Commit,
  startedAt: number,
  signal: RequestSignal,
  opts: { keepOutput: boolean; describe: boolean; stalledCallerMs: number },
): Promise<Metered> {
  const { response, version } = called;
  const tap = new ChatStreamTap(body.stream_options?.include_usage === true, opts.keepOutput, opts.describe);
  writeHead(res, 200, headers, "content-type", "text/event-stream; charset=utf-8", "cache-control", "no-cache", "x-accel-buffering", "no");
  // The headers go out with the first chunk when the provider's body already holds one (it is read
  // before the next turn of the event loop): one write and one packet fewer for both ends (measured:
  // 6% more streams a second under `npm run bench:gateway`). Else they go out on that turn, so a
  // caller sees the stream accepted while the model thinks. (headersSent is true from writeHead on.)
  let wrote = false;
  setImmediate(() => wrote || res.writableEnded || res.destroyed || res.flushHeaders());

  let failure: GatewayError | null = null;
  const patience: Patience = { leftMs: opts.stalledCallerMs, ofMs: opts.stalledCallerMs };
  try {
    await consumeBody(response.body, (chunk) => {
      const out = tap.push(chunk);
      if (out !== "") wrote = true;
      const full = out !== "" && !res.write(out);
      if (tap.providerError) return false;
      return full ? drained(res, signal, patience) : true;
    });
    const rest = tap.end();
    if (rest) res.write(rest);
  } catch (error) {
    failure = streamError(bodyError(error));
  }
  if (!failure && res.destroyed) failure = clientClosed();
  if (!failure && tap.providerError) {
    const said = typeof tap.providerError.message === "string" ? tap.providerError.message : "unknown error";
    failure = apiError(502, "provider_error", `The provider failed mid-stream: ${said}`);
  }
  if (!failure && !tap.sawDone) failure = apiError(502, "stream_interrupted", "The provider's stream ended before it was complete.");
  // A stream the request's own signal cut (the caller left, or Keel is shutting down), however the
  // cut showed (a thrown error, a body that just ended), is recorded for the signal's reason.
  if (failure && signal.aborted) failure = abortedBy(signal);

  const metered = meter(
    tap.usage,
    () => ({ inputTokens: tokensForChars(chatPromptChars(body)), outputTokens: tokensForChars(tap.outputChars) }),
    version.prices,
    tap.firstContentAt === null ? null : Math.round(tap.firstContentAt - startedAt),
  );

  const output = tap.text ? tap.text.done() : null;
  const answer = tap.facts;
  const finishReason = tap.finish.value;
  if (!failure) {
    try {
      await commit({ status: 200, errorCode: null, metered, output, answer, finishReason });
      res.end("data: [DONE]\n\n");
      return metered;
    } catch (error) {
      failure = error as GatewayError;
    }
  }
  await commit({ status: failure.status, errorCode: failure.code, metered, output, answer, finishReason }).catch(() => {});
  // The provider's own error event, held back until now, is the last word; otherwise say what happened.
  const notice =
    failure.status === 499 ? "" : failure.code === "provider_error" ? tap.providerErrorEvent : `data: ${JSON.stringify(failure)}\n\n`;
  abort(res, notice);
  return metered;
}

/** Mid-stream, anything but a timeout, a gone client or an endless event is an interrupted stream. */
function streamError(error: GatewayError): GatewayError {
  if (error.status === 499 || error.status === 504 || error.code === SSE_EVENT_TOO_LARGE) return error;
  return apiError(502, "stream_interrupted", `The provider's stream broke off: ${error.message}`);
}

/** How much longer a stream may wait for its caller to take what was written, of `ofMs` in all. */
type Patience = { leftMs: number; ofMs: number };

/**
 * Resolves when the caller has taken what was written, has gone, or the request's signal fired
 * (shutdown); rejects with `client_stalled` once the stream's waits add up to its patience. A
 * pipelined response waiting for the one before it to finish has no socket yet: that wait is the
 * earlier response's, and costs this one nothing.
 */
function drained(res: ServerResponse, signal: RequestSignal, patience: Patience): Promise<void> {
  if (res.destroyed || signal.aborted) return Promise.resolve();
  const counted = res.socket !== null;
  if (counted && patience.leftMs <= 0) return Promise.reject(clientStalled(patience.ofMs));
  const since = performance.now();
  return new Promise((resolve, reject) => {
    const settle = (error: GatewayError | null) => {
      clearTimeout(timer);
      res.off("drain", done);
      res.off("close", done);
      signal.off("abort", done);
      if (counted) patience.leftMs -= performance.now() - since;
      if (error) reject(error);
      else resolve();
    };
    const done = () => settle(null);
    const timer = counted ? setTimeout(() => settle(clientStalled(patience.ofMs)), patience.leftMs) : undefined;
    res.on("drain", done);
    res.on("close", done);
    signal.on("abort", done);
  });
}

/**
 * Sends a last event, then closes the connection so no client can mistake the end for success.
 * With no event to send (the caller left, or stalled), the connection is reset: what still waits in
 * the kernel for a caller that does not read is dropped, not kept until it does.
 */
function abort(res: ServerResponse, lastEvent: string) {
  if (res.destroyed) return;
  if (!lastEvent) {
    // A TCP connection (it has a remote port) is reset; any other is closed.
    if (res.socket?.remotePort !== undefined) res.socket.resetAndDestroy();
    else res.destroy();
    return;
  }
  const timer = setTimeout(() => res.destroy(), 1000);
  res.write(lastEvent, () => {
    clearTimeout(timer);
    res.destroy();
  });
}
