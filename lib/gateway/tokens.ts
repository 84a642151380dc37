import type { ChatBody, EmbeddingsBody } from "./schemas";

/** What the limiter assumes a completion will produce when the caller sets no max_tokens. */
export const DEFAULT_OUTPUT_ESTIMATE = 256;

/** About four characters per token: close enough for English text when a provider reports no usage. */
export const tokensForChars = (chars: number): number => Math.ceil(chars / 4);

export type Usage = { inputTokens: number; outputTokens: number };

/** The provider's usage object in OpenAI's shape, or null when it sent none. */
export function readUsage(usage: unknown): Usage | null {
  if (!usage || typeof usage !== "object") return null;
  const u = usage as Record<string, unknown>;
  const input = u.prompt_tokens;
  if (typeof input !== "number") return null;
  const output = typeof u.completion_tokens === "number" ? u.completion_tokens : 0;
  return { inputTokens: input, outputTokens: output };
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

/** Tokens the limiter reserves before the call: the prompt plus the most the answer may use. */
export function estimateChatTokens(body: ChatBody): number {
  const maxOut = body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return tokensForChars(chatPromptChars(body)) + maxOut * (body.n ?? 1);
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
