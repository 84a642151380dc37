import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { canonicalJson } from "@/lib/audit/chain";
import type { KeptContent } from "@/lib/privacy/content";
import type { AttemptCounter } from "@/lib/providers/provider";
import type { GatewayVersion } from "./endpoints";
import type { GatewayKey } from "./keys";
import type { Outcome } from "./steps/record";
import type { Usage } from "./tokens";
import type { RequestFacts } from "./trace-facts";

export type Route = "chat.completions" | "embeddings" | "models" | "prompts";

/** sha256 of the canonical JSON of a request body: equal inputs hash equal whatever the key order. */
export const hashInput = (body: unknown): string => crypto.createHash("sha256").update(canonicalJson(body)).digest("hex");

/** What a request used, priced: the respond step's output, which the record and the lease take. */
export type Metered = { usage: Usage; tokensEstimated: boolean; costUsd: number; ttftMs: number | null };

export const NOTHING_METERED: Metered = { usage: { inputTokens: 0, outputTokens: 0 }, tokensEstimated: false, costUsd: 0, ttftMs: null };

/**
 * The provider calls made so far: the call step's running account, kept on the exchange so that a
 * request failing mid-way still records which version it last tried and how many attempts it made.
 */
export class CallTrace implements AttemptCounter {
  attempts = 0;
  version: GatewayVersion | null = null;
}

/**
 * One gateway request as it goes: what its RequestRecord will say. Only the pipelines (chat.ts,
 * embeddings.ts, models.ts, prompts.ts) and the handler write it, from the steps' outputs; the record step
 * reads it. A request failing at any step is recorded with what was known by then.
 */
export class Exchange {
  readonly startedAt = performance.now();
  readonly createdAt = new Date();
  readonly calls = new CallTrace();
  route: Route | null = null;
  stream = false;
  inputHash: string | null = null;
  tenantId: string | null = null;
  /** The tenant's slug, for telemetry's labels (the record keeps the id). */
  tenantSlug: string | null = null;
  apiKeyId: string | null = null;
  /** The console user, for requests from Keel's own screens. */
  userId: string | null = null;
  endpointId: string | null = null;
  endpointName: string | null = null;
  /** The version the route step chose first (the record keeps it when another answered). */
  routedVersionId: string | null = null;
  /** The end user the request named (its `user` field), cut to END_USER_MAX characters (lib/gateway/schemas.ts); the record keeps it. */
  endUser: string | null = null;
  metered: Metered = NOTHING_METERED;
  /**
   * Set by the pipeline only for a tenant that keeps request content: how long, and the input as
   * text. Null, the default, records the input's hash alone.
   */
  content: KeptContent | null = null;
  /**
   * Set by the pipeline only when the gateway traces: the request's generation parameters for its
   * span. Null, the default, costs an untraced request nothing.
   */
  requestFacts: RequestFacts | null = null;
  recorded = false;
  /** How the request ended, as the record step was told (recorded or not: telemetry reads it; never its `output`). */
  outcome: Outcome | null = null;

  constructor(readonly id: string) {}

  /** Milliseconds since the request arrived. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** Attributes the request to the caller: it is recorded under the key's tenant from here on. */
  attribute(key: GatewayKey): void {
    this.tenantId = key.tenantId;
    this.tenantSlug = key.tenant.slug;
    if (key.userId) this.userId = key.userId;
    else this.apiKeyId = key.id;
  }
}
