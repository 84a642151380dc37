/** One server-sent event: its text as received (newlines normalised) and its joined `data:` lines. */
export type SseEvent = { raw: string; data: string | null };

/**
 * Splits a byte stream into server-sent events as the bytes arrive, however the network chunks
 * them (an event or a UTF-8 character may straddle two chunks).
 */
export class SseSplitter {
  private readonly decoder = new TextDecoder();
  private buffer = "";

  /** The events completed by this chunk. */
  push(chunk: Uint8Array): SseEvent[] {
    return this.split(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** Whatever complete-looking event is left when the stream ends. */
  end(): SseEvent[] {
    return this.split(this.decoder.decode(), true);
  }

  private split(text: string, final: boolean): SseEvent[] {
    let pending = this.buffer + text;
    // A lone CR may be the first half of a CRLF that the next chunk completes.
    let held = "";
    if (!final && pending.endsWith("\r")) {
      held = "\r";
      pending = pending.slice(0, -1);
    }
    pending = pending.replace(/\r\n?/g, "\n");
    const blocks = pending.split("\n\n");
    this.buffer = (final ? "" : blocks.pop()!) + held;
    const events: SseEvent[] = [];
    for (const block of blocks) if (block.trim() !== "") events.push(parseEvent(block));
    return events;
  }
}

function parseEvent(raw: string): SseEvent {
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line === "data" || line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { raw, data: data.length ? data.join("\n") : null };
}
