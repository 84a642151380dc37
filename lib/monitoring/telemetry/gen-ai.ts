import type { ProviderKind } from "@/lib/db/generated/enums";

/**
 * The GenAI semantic conventions' attribute names Keel sets. They are still "incubating" in
 * @opentelemetry/semantic-conventions, whose maintainers ask instrumentations to copy such names
 * rather than import that entry point (it may break in a minor release); gen-ai.test.ts checks
 * these copies against the pinned package.
 */
export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  /** The older name of gen_ai.provider.name, which many backends still read. */
  system: "gen_ai.system",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestChoiceCount: "gen_ai.request.choice.count",
  requestSeed: "gen_ai.request.seed",
  requestStream: "gen_ai.request.stream",
  requestEncodingFormats: "gen_ai.request.encoding_formats",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
} as const;

/** Keel's own attributes, beside the conventions' (ids, never secrets or content). */
export const KEEL = {
  tenantId: "keel.tenant.id",
  tenantSlug: "keel.tenant.slug",
  requestId: "keel.request.id",
  endpointId: "keel.endpoint.id",
  modelVersionId: "keel.model_version.id",
  costUsd: "keel.cost_usd",
  tokensEstimated: "keel.tokens_estimated",
  attempts: "keel.attempts",
} as const;

/**
 * gen_ai.provider.name for a provider kind: an OpenAI-compatible provider speaks OpenAI's API
 * (the conventions' "openai"); the built-in models are Keel's own, so a name in Keel's namespace.
 */
export function genAiProviderName(kind: ProviderKind): string {
  return kind === "BUILTIN" ? "keel.builtin" : "openai";
}
