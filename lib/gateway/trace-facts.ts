import type { ChatBody, EmbeddingsBody } from "./schemas";

/**
 * What a trace says about a request besides its record: the caller's generation parameters, as
 * the GenAI semantic conventions name them. Never content. Gathered by the pipelines only when the
 * gateway traces (`gw.telemetry?.tracing`), so that an untraced request does none of this work.
 */
export type RequestFacts = {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  choiceCount?: number;
  seed?: number;
  encodingFormats?: string[];
};

/** What a trace says about the provider's answer: its id, the model that wrote it, why each choice ended. */
export type AnswerFacts = { id?: string; model?: string; finishReasons?: string[] };

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** A chat request's parameters (max_completion_tokens wins over max_tokens, as OpenAI reads them). */
export function chatRequestFacts(body: ChatBody): RequestFacts {
  return {
    maxTokens: num(body.max_completion_tokens) ?? num(body.max_tokens),
    temperature: num(body.temperature),
    topP: num(body.top_p),
    choiceCount: num(body.n),
    seed: num(body.seed),
  };
}

export function embeddingsRequestFacts(body: EmbeddingsBody): RequestFacts {
  return { encodingFormats: [body.encoding_format ?? "float"] };
}

/** The facts of a JSON answer (chat completion or embeddings list). */
export function describeAnswer(json: Record<string, unknown>): AnswerFacts {
  const facts: AnswerFacts = {};
  noteChunk(facts, json);
  return facts;
}

/**
 * Adds what one answer or stream chunk tells: the id and model, each choice's finish reason by its
 * index (a stream gives them on the chunks that end each choice).
 */
export function noteChunk(facts: AnswerFacts, chunk: Record<string, unknown>): void {
  if (typeof chunk.id === "string" && chunk.id.length <= 256) facts.id = chunk.id;
  if (typeof chunk.model === "string" && chunk.model.length <= 256) facts.model = chunk.model;
  if (!Array.isArray(chunk.choices)) return;
  chunk.choices.forEach((choice: { index?: unknown; finish_reason?: unknown } | null, i) => {
    const reason = choice?.finish_reason;
    if (typeof reason !== "string" || reason.length > 64) return;
    const index = typeof choice?.index === "number" && Number.isInteger(choice.index) && choice.index >= 0 && choice.index < 128 ? choice.index : i;
    (facts.finishReasons ??= [])[index] = reason;
  });
}
