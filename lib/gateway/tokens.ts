import type { ChatBody, EmbeddingsBody } from "./schemas";

/** What the rate limiter assumes a completion will produce when the caller sets no max_tokens. */
export const DEFAULT_OUTPUT_ESTIMATE = 256;

/**
 * What the budget reserves for a completion's output when the caller sets no max_tokens (or
 * max_completion_tokens). Money is held more conservatively than a minute's tokens: 4,096 is the
 * longest answer many models give by default. A longer answer is charged in full when it settles,
 * so only callers who set no max_tokens can take a tenant past its budget, and only by their excess.
 */
export const DEFAULT_OUTPUT_RESERVE = 4096;

/** About four characters per token: close enough for English text when a provider reports no usage. */
export const tokensForChars = (chars: number): number => Math.ceil(chars / 4);

export type Usage = { inputTokens: number; outputTokens: number };

/** Most tokens a request record holds per direction (its columns are 32-bit integers). */
const MAX_RECORDED_TOKENS = 2_147_483_647;

/**
 * The provider's usage object in OpenAI's shape, or null when it sent none (or none that counts:
 * a negative or fractional count would give back budget and rate limit it never took, and one
 * past what a record holds would fail the batch of records it was written with).
 */
export function readUsage(usage: unknown): Usage | null {
  if (!usage || typeof usage !== "object") return null;
  const u = usage as Record<string, unknown>;
  const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_RECORDED_TOKENS ? v : null);
  const input = count(u.prompt_tokens);
  if (input === null) return null;
  const output = u.completion_tokens === undefined || u.completion_tokens === null ? 0 : count(u.completion_tokens);
  return output === null ? null : { inputTokens: input, outputTokens: output };
}

/** Characters of text a chat request sends: message contents, names and tool-call arguments. */
export function chatPromptChars(body: ChatBody): number {
  let chars = 0;
  for (const m of body.messages) {
    chars += contentChars(m.content) + 4;
    if (typeof m.name === "string") chars += m.name.length;
    if (Array.isArray(m.tool_calls)) chars += toolCallChars(m.tool_calls);
  }
  if (body.tools) chars += JSON.stringify(body.tools).length;
  return chars;
}

/**
 * What a request may use, known before it is sent: its input's tokens (estimated from text) and
 * the output tokens it asked for at most, over all its choices (null when it set no cap).
 */
export type UsageEstimate = { inputTokens: number; maxOutputTokens: number | null; choices: number };

/**
 * A chat request's estimate: the prompt, and max_completion_tokens (or max_tokens) times n, as the
 * provider receives them: the caller's value where the body has the field, else the version's
 * default (`params`), since a version's `n` or `max_tokens` multiplies what a call costs.
 */
export function estimateChatUsage(body: ChatBody, params: Record<string, unknown> = {}): UsageEstimate {
  const sent = (field: "max_completion_tokens" | "max_tokens" | "n"): number | null => {
    const value = field in body ? body[field] : params[field];
    return typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.ceil(value) : null;
  };
  const caps = [sent("max_completion_tokens"), sent("max_tokens")].filter((v) => v !== null);
  const maxOut = caps.length > 0 ? Math.max(...caps) : null;
  const choices = sent("n") ?? 1;
  return { inputTokens: tokensForChars(chatPromptChars(body)), maxOutputTokens: maxOut === null ? null : maxOut * choices, choices };
}

/** Tokens the rate limiter reserves before the call: the input plus the most the answer may use. */
export function limiterTokens(e: UsageEstimate): number {
  return e.inputTokens + (e.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE * e.choices);
}

/** Usage the budget reserves before the call: the input and the most the answer may use. */
export function reservedUsage(e: UsageEstimate): Usage {
  return { inputTokens: e.inputTokens, outputTokens: e.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE * e.choices };
}

/** An embeddings request's estimate: its input, and no output. */
export function estimateEmbeddingsUsage(input: EmbeddingsBody["input"]): UsageEstimate {
  return { inputTokens: estimateEmbeddingTokens(input), maxOutputTokens: 0, choices: 1 };
}

/** Tokens of an embeddings input: token arrays count exactly, text by its characters. */
export function estimateEmbeddingTokens(input: EmbeddingsBody["input"]): number {
  if (typeof input === "string") return tokensForChars(input.length);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === "string") tokens += tokensForChars(item.length);
    else if (typeof item === "number") tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}

/** Characters of text in a completion's choices (message or stream delta). */
export function choiceChars(choices: unknown): number {
  if (!Array.isArray(choices)) return 0;
  let chars = 0;
  for (const c of choices as Record<string, Record<string, unknown> | undefined>[]) {
    const m = c.message ?? c.delta;
    if (!m) continue;
    chars += contentChars(m.content) + contentChars(m.refusal);
    if (Array.isArray(m.tool_calls)) chars += toolCallChars(m.tool_calls);
  }
  return chars;
}

function contentChars(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) if (part && typeof part.text === "string") chars += part.text.length;
  return chars;
}

function toolCallChars(calls: unknown[]): number {
  let chars = 0;
  for (const call of calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
    const f = call?.function;
    if (typeof f?.name === "string") chars += f.name.length;
    if (typeof f?.arguments === "string") chars += f.arguments.length;
  }
  return chars;
}

/** Prices of a model version, USD per million tokens. */
export type Prices = { inputPerMTok: number; outputPerMTok: number };

/** USD cost of a request, rounded to the 8 decimals RequestRecord.costUsd keeps. */
export function costUsd(usage: Usage, prices: Prices): number {
  const cost = (usage.inputTokens * prices.inputPerMTok + usage.outputTokens * prices.outputPerMTok) / 1e6;
  return Math.round(cost * 1e8) / 1e8;
}

/** Most USD a request record holds (Decimal(14, 8)). */
export const MAX_RECORDED_COST_USD = 999_999.99999999;
