import { storedContent, type CapturedText, type StoredContent } from "@/lib/privacy/content";
import { apiError } from "../errors";
import type { Exchange, Metered } from "../exchange";
import type { RecordWriter, RequestRecordRow } from "../record-writer";
import type { AnswerFacts } from "../trace-facts";

/**
 * How the request ended, as its record says, and what it used when it got as far as a provider's
 * answer; `output`, the answer's text, only when the tenant keeps request content; `answer`, what
 * a trace says of the answer, only when the gateway traces.
 */
export type Outcome = {
  status: number; errorCode: string | null; metered?: Metered; output?: CapturedText | null; answer?: AnswerFacts | null;
  /** Why the answer's first choice ended (lib/gateway/finish-reason.ts), when there was an answer. */
  finishReason?: string | null;
};

/** Records the request with this outcome (the respond step's way to reach the record step). */
export type Commit = (outcome: Outcome) => Promise<void>;

export const OK: Outcome = { status: 200, errorCode: null };

/**
 * The record step: writes the request record and waits until it is committed. Requests that never
 * reached a tenant (bad body, bad key) have nothing to attribute them to and are not recorded; a
 * request is recorded once, whichever path gets here first. A failed write becomes a 500 the
 * caller sees instead of an answer Keel did not record: the respond step calls this before the
 * answer's last bytes leave (a stream's `[DONE]`). The exchange keeps the outcome, recorded or
 * not, for the gateway's telemetry to read once the response is done.
 */
export async function record(records: RecordWriter, ex: Exchange, outcome: Outcome): Promise<void> {
  if (ex.recorded) return;
  ex.outcome = outcome;
  if (!ex.tenantId || !ex.route) return;
  ex.recorded = true;
  if (outcome.metered) ex.metered = outcome.metered;
  const { usage, tokensEstimated, costUsd, ttftMs } = ex.metered;
  const row: RequestRecordRow = {
    id: ex.id,
    tenantId: ex.tenantId,
    apiKeyId: ex.apiKeyId,
    userId: ex.userId,
    endpointId: ex.endpointId,
    endpointName: ex.endpointName,
    modelVersionId: ex.calls.version?.id ?? null,
    route: ex.route,
    stream: ex.stream,
    inputHash: ex.inputHash,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    tokensEstimated,
    costUsd: costUsd.toFixed(8),
    latencyMs: ex.elapsedMs(),
    ttftMs,
    status: outcome.status,
    errorCode: outcome.errorCode,
    attempts: ex.calls.attempts,
    createdAt: ex.createdAt,
    finishReason: outcome.finishReason ?? null,
    // Only when a fallback answered (or failed) in place of the chosen version: a rollout's guard counts the chosen one.
    routedVersionId: ex.routedVersionId !== null && ex.routedVersionId !== (ex.calls.version?.id ?? null) ? ex.routedVersionId : null,
    endUser: ex.endUser,
  };
  // Content is no part of the record's canonical form (MAC, seal), so purging it later leaves both valid.
  if (ex.content) row.content = contentOf(ex, outcome);
  try {
    await records.write(row);
  } catch {
    ex.outcome = { ...outcome, status: 500, errorCode: "record_failed" };
    throw apiError(500, "record_failed", `Keel could not record this request, so it withholds the answer (request id ${ex.id}). Please retry.`);
  }
}

/** The request's content, redacted, for the record writer; a request is never unrecorded for its content. */
function contentOf(ex: Exchange, outcome: Outcome): StoredContent | undefined {
  try {
    return storedContent(ex.content!, outcome.output ?? null, ex.createdAt);
  } catch (error) {
    console.error(`[gateway] request ${ex.id}: could not prepare its content for storage; the record is kept without it:`, error);
    return undefined;
  }
}
