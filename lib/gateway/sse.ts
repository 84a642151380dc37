import { apiError } from "./errors";

/** One server-sent event: its text as received (newlines normalised) and its joined `data:` lines. */
export type SseEvent = { raw: string; data: string | null };

/**
 * Longest event the splitter holds while it waits for the event's end: 1 Mi characters of text
 * (1 MiB for ASCII). Chat chunks are a few hundred bytes; a provider that never ends an event
 * would otherwise grow the buffer until the process runs out of memory.
 */
export const MAX_SSE_EVENT_CHARS = 1024 * 1024;

/** The code of the error a too-long event raises; the stream ends in an error event with it. */
export const SSE_EVENT_TOO_LARGE = "upstream_event_too_large";

/**
 * Splits a byte stream into server-sent events as the bytes arrive, however the network chunks
 * them (an event or a UTF-8 character may straddle two chunks). Throws a 502 GatewayError when an
 * event grows past `maxEventChars`.
 */
export class SseSplitter {
  private readonly decoder = new TextDecoder();
  /**
   * The event in progress, newlines already normalised, as the pieces it arrived in: joined only
   * once it ends. Appending to one string and searching it on every chunk would copy the whole
   * event per chunk, and a provider trickling an endless event a byte at a time would hold the
   * process's CPU for minutes (measured: 256k one-byte chunks, 95 s).
   */
  private pieces: string[] = [];
  private pieceChars = 0;
  /** A lone CR at the end of a chunk: it may be the first half of a CRLF that the next one completes. */
  private held = "";

  constructor(private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {}

  /** The events completed by this chunk. */
  push(chunk: Uint8Array): SseEvent[] {
    return this.split(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** Whatever complete-looking event is left when the stream ends. */
  end(): SseEvent[] {
    return this.split(this.decoder.decode(), true);
  }

  private split(text: string, final: boolean): SseEvent[] {
    let incoming = this.held + text;
    this.held = "";
    if (!final && incoming.endsWith("\r")) {
      this.held = "\r";
      incoming = incoming.slice(0, -1);
    }
    if (incoming.includes("\r")) incoming = incoming.replace(/\r\n?/g, "\n");
    // Only the new text can end the event in progress: search it, and the character before it.
    const last = this.pieces.length > 0 ? this.pieces[this.pieces.length - 1] : "";
    if (!final && (last.slice(-1) + incoming).indexOf("\n\n") === -1) {
      this.hold(incoming);
      return [];
    }
    const pending = this.pieces.join("") + incoming;
    this.pieces = [];
    this.pieceChars = 0;
    const blocks = pending.split("\n\n");
    if (!final) this.hold(blocks.pop()!);
    const events: SseEvent[] = [];
    for (const block of blocks) if (block.trim() !== "") events.push(parseEvent(this.bounded(block)));
    return events;
  }

  /** Keeps text of the event in progress, refusing to keep more than an event may hold. */
  private hold(text: string) {
    if (text === "") return;
    this.pieces.push(text);
    this.pieceChars += text.length;
    if (this.pieceChars > this.maxEventChars) this.tooLarge();
  }

  private bounded(event: string): string {
    if (event.length > this.maxEventChars) this.tooLarge();
    return event;
  }

  private tooLarge(): never {
    throw apiError(502, SSE_EVENT_TOO_LARGE, `The provider sent a stream event longer than ${this.maxEventChars} characters; Keel ended the stream.`);
  }
}

function parseEvent(raw: string): SseEvent {
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line === "data" || line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { raw, data: data.length ? data.join("\n") : null };
}
