import type { ServerResponse } from "node:http";
import type { CapturedText } from "@/lib/privacy/content";
import { readUpstreamBody } from "@/lib/providers/body";
import { sendJson } from "../errors";
import type { Metered } from "../exchange";
import { parseProviderJson } from "../json";
import { MAX_RECORDED_COST_USD, costUsd, type Prices, type Usage } from "../tokens";
import type { AnswerFacts } from "../trace-facts";
import type { Called } from "./call";
import type { Commit } from "./record";

/** What the answer carries besides its body: the version that answered, the rate-limit headers. */
export type AnswerHeaders = Record<string, string>;

export const answerHeaders = (called: Called, rateLimits: Record<string, string>): AnswerHeaders => ({
  ...rateLimits,
  "x-keel-model-version": called.version.id,
});

/**
 * The provider's usage, or the local estimate when it reported none, priced. Past what the
 * record's column holds (about $1M for one request: a provider reporting absurd usage) the write
 * would fail, and with it the batch of records, other tenants' included.
 */
export function meter(reported: Usage | null, estimate: () => Usage, prices: Prices, ttftMs: number | null = null): Metered {
  const usage = reported ?? estimate();
  return { usage, tokensEstimated: reported === null, costUsd: Math.min(costUsd(usage, prices), MAX_RECORDED_COST_USD), ttftMs };
}

export type JsonAnswer = {
  /** Largest answer read from the provider. */
  maxBytes: number;
  /** What the answer used, from the provider's JSON. */
  meter: (json: Record<string, unknown>) => Metered;
  /** Rewrites the JSON in place when the caller needs it otherwise; returns whether it did. */
  rewrite?: (json: Record<string, unknown>) => boolean;
  /** The answer's text for the record to keep; given only for tenants that keep request content. */
  output?: (json: Record<string, unknown>) => CapturedText;
  /** What the request's span says of the answer; given only when the gateway traces. */
  describe?: (json: Record<string, unknown>) => AnswerFacts;
  /** Why the answer ended, for its record (chat completions). */
  finish?: (json: Record<string, unknown>) => string | null;
};

/**
 * The respond step for a JSON answer: reads the provider's body, meters it, has the request
 * recorded (the answer is withheld if that fails) and sends it. The provider's bytes go out as
 * they came unless `rewrite` changed them: nothing to re-serialise on the hot path.
 */
export async function respondJson(res: ServerResponse, called: Called, answer: JsonAnswer, headers: AnswerHeaders, commit: Commit): Promise<Metered> {
  const raw = await readUpstreamBody(called.response.body, answer.maxBytes);
  const json = parseProviderJson(raw);
  const rewritten = answer.rewrite?.(json) ?? false;
  const metered = answer.meter(json);
  await commit({
    status: 200, errorCode: null, metered, output: answer.output ? answer.output(json) : null, answer: answer.describe?.(json), finishReason: answer.finish?.(json),
  });
  sendJson(res, 200, rewritten ? JSON.stringify(json) : raw, headers);
  return metered;
}
