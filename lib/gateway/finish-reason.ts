/**
 * Why an answer's first choice ended, as its request record keeps it for monitoring (finish
 * reasons and refusal rate drift, lib/monitoring/drift): "refusal" when the model declined in its
 * `refusal` field (OpenAI's structured outputs), else the provider's `finish_reason` ("stop",
 * "length", "tool_calls", "content_filter", …). Providers choose these strings, so one that is not
 * a short lower-case word is kept as "other": a record holds no text a provider made up.
 */
const WORD = /^[a-z][a-z0-9_]{0,31}$/;

export const REFUSAL = "refusal";

/** The reasons that count as the model declining to answer. */
export const REFUSING = new Set([REFUSAL, "content_filter"]);

type Choice = { index?: unknown; finish_reason?: unknown; message?: { refusal?: unknown } | null; delta?: { refusal?: unknown } | null } | null;

function firstChoice(choices: unknown): Choice | undefined {
  if (!Array.isArray(choices)) return undefined;
  return (choices as Choice[]).find((c, i) => (typeof c?.index === "number" ? c.index === 0 : i === 0));
}

const refused = (c: Choice | undefined) => {
  const r = c?.message?.refusal ?? c?.delta?.refusal;
  return typeof r === "string" && r.length > 0;
};

const reasonOf = (value: unknown): string | null => (typeof value === "string" ? (WORD.test(value) ? value : "other") : null);

/** A JSON chat completion's finish reason; null when it has no first choice. */
export function finishReasonOf(choices: unknown): string | null {
  const c = firstChoice(choices);
  if (!c) return null;
  return refused(c) ? REFUSAL : reasonOf(c.finish_reason);
}

/** A stream's finish reason, read chunk by chunk: the refusal deltas and the first choice's last chunk. */
export class StreamFinish {
  private refused = false;
  private reason: string | null = null;

  note(choices: unknown): void {
    const c = firstChoice(choices);
    if (!c) return;
    if (refused(c)) this.refused = true;
    this.reason = reasonOf(c.finish_reason) ?? this.reason;
  }

  get value(): string | null {
    return this.refused ? REFUSAL : this.reason;
  }
}
