import { redact } from "./redact";

/**
 * A request's content as the gateway captured it for a tenant that keeps content, before redaction.
 * Capture stops at MAX_CAPTURED_CHARS (`cut` then), so a 10 MiB prompt is never copied whole.
 */
export type CapturedText = { text: string; cut: boolean };

/** What the pipeline keeps for the record step: how long, and the input it captured. */
export type KeptContent = { retentionDays: number; input: CapturedText };

/** A RequestContent row's fields, as the record writer stores them under the record's final id. */
export type StoredContent = { input: string; output: string | null; redactions: number; expiresAt: Date };

/**
 * Most characters captured of an input or an output (and accumulated from a stream): a little more
 * than what is stored (MAX_STORED_BYTES), since redaction runs on the request path and costs time in
 * proportion to what it reads (about 60 ms a megabyte of prose, up to 470 ms of digit runs).
 */
export const MAX_CAPTURED_CHARS = 320 * 1024;

/** Most UTF-8 bytes stored of an input or an output, after redaction. */
export const MAX_STORED_BYTES = 256 * 1024;

/**
 * Longer than any email, phone, card or id the redactor finds: what is dropped from the end of a
 * capture that was cut, where such a value cut in two would go unrecognised.
 */
const PARTIAL_TAIL = 320;

const CUT_NOTE = "\n[cut: Keel stores at most 256 KB of a request's input and of its output]";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What is stored for a request: its input and output redacted and capped, and when it expires. */
export function storedContent(kept: KeptContent, output: CapturedText | null, createdAt: Date): StoredContent {
  const input = storable(kept.input);
  const out = output ? storable(output) : null;
  return {
    input: input.text,
    output: out?.text ?? null,
    redactions: input.redactions + (out?.redactions ?? 0),
    expiresAt: new Date(createdAt.getTime() + kept.retentionDays * DAY_MS),
  };
}

function storable(captured: CapturedText): { text: string; redactions: number } {
  // PostgreSQL text cannot hold NUL.
  const source = captured.text.includes("\u0000") ? captured.text.replaceAll("\u0000", "\uFFFD") : captured.text;
  const redacted = redact(source);
  let text = captured.cut ? redacted.text.slice(0, Math.max(0, redacted.text.length - PARTIAL_TAIL)) : redacted.text;
  let cut = captured.cut;
  if (text.length * 3 > MAX_STORED_BYTES && Buffer.byteLength(text) > MAX_STORED_BYTES) {
    text = truncateUtf8(text, MAX_STORED_BYTES);
    cut = true;
  }
  return { text: cut ? text + CUT_NOTE : text, redactions: redacted.redactions };
}

/** The longest prefix of `text` whose UTF-8 form fits in `maxBytes`, never half a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/** Appends to a capture up to MAX_CAPTURED_CHARS; returns false once it is full. */
class Capture {
  text = "";
  cut = false;

  add(piece: string): boolean {
    if (this.cut) return false;
    const room = MAX_CAPTURED_CHARS - this.text.length;
    if (piece.length > room) {
      this.text += piece.slice(0, room);
      this.cut = true;
      return false;
    }
    this.text += piece;
    return true;
  }

  done(): CapturedText {
    return { text: this.text, cut: this.cut };
  }
}

type Message = { role: string; content?: unknown; name?: unknown; tool_calls?: unknown; refusal?: unknown };

/** A chat request's messages as text, one "role: content" block per message. */
export function chatInputText(messages: readonly Message[]): CapturedText {
  const capture = new Capture();
  for (const m of messages) {
    const who = typeof m.name === "string" ? `${m.role} (${m.name})` : m.role;
    if (!capture.add(`${capture.text ? "\n" : ""}${who}: ${messageText(m)}`)) break;
  }
  return capture.done();
}

/** An embeddings request's input as text: its strings one per line; token ids are counted, not decoded. */
export function embeddingsInputText(input: string | readonly string[] | readonly number[] | readonly (readonly number[])[]): CapturedText {
  if (typeof input === "string") return input.length > MAX_CAPTURED_CHARS ? { text: input.slice(0, MAX_CAPTURED_CHARS), cut: true } : { text: input, cut: false };
  const capture = new Capture();
  if (typeof input[0] === "number") {
    capture.add(`[${input.length} token ids]`);
    return capture.done();
  }
  for (const item of input as readonly (string | readonly number[])[]) {
    const line = typeof item === "string" ? item : `[${item.length} token ids]`;
    if (!capture.add(`${capture.text ? "\n" : ""}${line}`)) break;
  }
  return capture.done();
}

/** A chat completion's answer as text: each choice's content, refusal and tool calls. */
export function chatOutputText(json: Record<string, unknown>): CapturedText {
  const capture = new Capture();
  const choices = Array.isArray(json.choices) ? (json.choices as { message?: Message }[]) : [];
  for (let i = 0; i < choices.length; i++) {
    const m = choices[i]?.message;
    if (!m) continue;
    const label = choices.length > 1 ? `[choice ${i}]\n` : "";
    if (!capture.add(`${capture.text ? "\n" : ""}${label}${messageText(m)}`)) break;
  }
  return capture.done();
}

function messageText(m: Message): string {
  const parts: string[] = [];
  if (typeof m.content === "string") parts.push(m.content);
  else if (Array.isArray(m.content)) {
    for (const part of m.content as { type?: unknown; text?: unknown }[]) {
      parts.push(typeof part?.text === "string" ? part.text : `[${typeof part?.type === "string" ? part.type : "part"}]`);
    }
  }
  if (typeof m.refusal === "string") parts.push(`[refusal] ${m.refusal}`);
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
      const f = call?.function;
      parts.push(`[tool call] ${typeof f?.name === "string" ? f.name : "?"}(${typeof f?.arguments === "string" ? f.arguments : ""})`);
    }
  }
  return parts.join("\n");
}

/**
 * A streamed answer's text as its deltas arrive, per choice, up to MAX_CAPTURED_CHARS in all; the
 * stream tap feeds it only for tenants that keep content.
 */
export class StreamCapture {
  private readonly choices: string[] = [];
  private chars = 0;
  private cut = false;

  /** Adds the content (and refusal) of a chunk's deltas. */
  add(choices: unknown): void {
    if (this.cut || !Array.isArray(choices)) return;
    for (const c of choices as { index?: unknown; delta?: { content?: unknown; refusal?: unknown } }[]) {
      const piece = typeof c?.delta?.content === "string" ? c.delta.content : typeof c?.delta?.refusal === "string" ? c.delta.refusal : "";
      if (!piece) continue;
      const index = typeof c.index === "number" && Number.isInteger(c.index) && c.index >= 0 && c.index < 128 ? c.index : 0;
      const room = MAX_CAPTURED_CHARS - this.chars;
      const kept = piece.length > room ? piece.slice(0, room) : piece;
      while (this.choices.length <= index) this.choices.push("");
      this.choices[index] += kept;
      this.chars += kept.length;
      if (kept.length < piece.length) {
        this.cut = true;
        return;
      }
    }
  }

  done(): CapturedText {
    const text = this.choices.length > 1 ? this.choices.map((t, i) => `[choice ${i}]\n${t}`).join("\n") : (this.choices[0] ?? "");
    return { text, cut: this.cut };
  }
}
