import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { describe, expect, it } from "vitest";
import { GEN_AI } from "./gen-ai";

/** Our copies of the incubating names, by the constant @opentelemetry/semantic-conventions exports for each. */
const CONSTANT: Record<keyof typeof GEN_AI, keyof typeof incubating> = {
  operationName: "ATTR_GEN_AI_OPERATION_NAME",
  providerName: "ATTR_GEN_AI_PROVIDER_NAME",
  system: "ATTR_GEN_AI_SYSTEM",
  requestModel: "ATTR_GEN_AI_REQUEST_MODEL",
  requestMaxTokens: "ATTR_GEN_AI_REQUEST_MAX_TOKENS",
  requestTemperature: "ATTR_GEN_AI_REQUEST_TEMPERATURE",
  requestTopP: "ATTR_GEN_AI_REQUEST_TOP_P",
  requestChoiceCount: "ATTR_GEN_AI_REQUEST_CHOICE_COUNT",
  requestSeed: "ATTR_GEN_AI_REQUEST_SEED",
  requestStream: "ATTR_GEN_AI_REQUEST_STREAM",
  requestEncodingFormats: "ATTR_GEN_AI_REQUEST_ENCODING_FORMATS",
  responseModel: "ATTR_GEN_AI_RESPONSE_MODEL",
  responseId: "ATTR_GEN_AI_RESPONSE_ID",
  responseFinishReasons: "ATTR_GEN_AI_RESPONSE_FINISH_REASONS",
  responseTimeToFirstChunk: "ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK",
  usageInputTokens: "ATTR_GEN_AI_USAGE_INPUT_TOKENS",
  usageOutputTokens: "ATTR_GEN_AI_USAGE_OUTPUT_TOKENS",
};

describe("the GenAI attribute names", () => {
  it("are the semantic conventions' own, as the pinned package spells them", () => {
    for (const [ours, constant] of Object.entries(CONSTANT)) expect([ours, GEN_AI[ours as keyof typeof GEN_AI]]).toEqual([ours, incubating[constant]]);
  });

  it("name the operations and OpenAI as the conventions do", () => {
    expect(incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT).toBe("chat");
    expect(incubating.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS).toBe("embeddings");
    expect(incubating.GEN_AI_PROVIDER_NAME_VALUE_OPENAI).toBe("openai");
  });
});
