import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { canonicalJson } from "@/lib/audit/chain";
import { apiError } from "./errors";
import type { RecordWriter, RequestRecordRow } from "./record-writer";
import { MAX_RECORDED_COST_USD, costUsd, type Prices, type Usage } from "./tokens";

export type Route = "chat.completions" | "embeddings" | "models";

/** sha256 of the canonical JSON of a request body: equal inputs hash equal whatever the key order. */
export const hashInput = (body: unknown): string => crypto.createHash("sha256").update(canonicalJson(body)).digest("hex");

/** One gateway request as it goes: what its RequestRecord will say. */
export class Exchange {
  readonly startedAt = performance.now();
  readonly createdAt = new Date();
  route: Route | null = null;
  stream = false;
  inputHash: string | null = null;
  tenantId: string | null = null;
  apiKeyId: string | null = null;
  /** The console user, for requests from Keel's own screens. */
  userId: string | null = null;
  endpointId: string | null = null;
  endpointName: string | null = null;
  modelVersionId: string | null = null;
  usage: Usage = { inputTokens: 0, outputTokens: 0 };
  tokensEstimated = false;
  costUsd = 0;
  ttftMs: number | null = null;
  /** Provider calls made, retries and fallbacks included; 0 when the request never reached one. */
  attempts = 0;
  private recorded = false;

  constructor(readonly id: string) {}

  /** Milliseconds since the request arrived. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** Takes the provider's usage, or the local estimate when it reported none, and prices it. */
  applyUsage(reported: Usage | null, estimate: () => Usage, prices: Prices): void {
    this.tokensEstimated = reported === null;
    this.usage = reported ?? estimate();
    // Past what the record's column holds (about $1M for one request: a provider reporting absurd
    // usage), the write would fail, and with it the batch of records, other tenants' included.
    this.costUsd = Math.min(costUsd(this.usage, prices), MAX_RECORDED_COST_USD);
  }

  /**
   * Writes the request record and waits until it is committed. Requests that never reached a
   * tenant (bad body, bad key) have nothing to attribute them to and are not recorded.
   * A failed write becomes a 500 the caller sees instead of an answer Keel did not record.
   * The cost counts towards the budget when the request's lease settles (see admit()).
   */
  async finish(records: RecordWriter, status: number, errorCode: string | null): Promise<void> {
    if (this.recorded || !this.tenantId || !this.route) return;
    this.recorded = true;
    const row: RequestRecordRow = {
      id: this.id,
      tenantId: this.tenantId,
      apiKeyId: this.apiKeyId,
      userId: this.userId,
      endpointId: this.endpointId,
      endpointName: this.endpointName,
      modelVersionId: this.modelVersionId,
      route: this.route,
      stream: this.stream,
      inputHash: this.inputHash,
      inputTokens: this.usage.inputTokens,
      outputTokens: this.usage.outputTokens,
      tokensEstimated: this.tokensEstimated,
      costUsd: this.costUsd.toFixed(8),
      latencyMs: this.elapsedMs(),
      ttftMs: this.ttftMs,
      status,
      errorCode,
      attempts: this.attempts,
      createdAt: this.createdAt,
    };
    try {
      await records.write(row);
    } catch {
      throw apiError(500, "record_failed", `Keel could not record this request, so it withholds the answer (request id ${this.id}). Please retry.`);
    }
  }
}
