import type { IncomingHttpHeaders } from "node:http";
import type { ProviderKind } from "@/lib/db/generated/enums";
import type { RequestSignal } from "@/lib/gateway/request-signal";

/**
 * Where a version's requests go, as the gateway caches it. `problem` explains why they cannot (a
 * bad URL, an undecryptable key): such a provider is never called.
 */
export type ProviderTarget = {
  id: string;
  kind: ProviderKind;
  origin: string | null;
  basePath: string;
  apiKey: string | null;
  problem: string | null;
};

/** A provider's body: undici's for remote providers, a Node stream for the built-in models. */
export type ProviderBody = AsyncIterable<unknown> & Pick<NodeJS.ReadableStream, "on" | "off" | "pause" | "resume"> & {
  destroy(error?: Error): unknown;
  readonly destroyed: boolean;
  readonly readableEnded: boolean;
  readonly errored: unknown;
};

/** A 2xx answer in OpenAI's wire format, JSON or (when the body asked to stream) server-sent events. */
export type ProviderResponse = { statusCode: number; headers: IncomingHttpHeaders; body: ProviderBody };

/** Counts provider calls across retries and fallbacks, for the request record. */
export type AttemptCounter = { attempts: number };

/** One call: the OpenAI request body (model already the provider's), for one provider. */
export type ProviderCall = {
  target: ProviderTarget;
  /** The OpenAI request as the provider receives it; `stream: true` asks for server-sent events. */
  body: Record<string, unknown>;
  /** Fires when the caller goes away or the gateway shuts down (undici takes it as it is). */
  signal: RequestSignal;
  requestId: string;
  /** Incremented once per attempt, retries included. */
  counter: AttemptCounter;
};

/**
 * One kind of model provider. Each speaks OpenAI's wire format outwards, whatever it speaks to
 * its model, so the gateway's later steps (usage, streaming, records) never ask which kind
 * answered. A call either resolves with a 2xx response, having retried what its retry policy
 * (retry.ts) allows, or throws an OpenAI-shaped GatewayError. Adding a kind is one file
 * implementing this and one line in providersFor().
 */
export interface Provider {
  chat(call: ProviderCall): Promise<ProviderResponse>;
  embed(call: ProviderCall): Promise<ProviderResponse>;
  /** Lets go of connections and loaded models. */
  close(): Promise<void>;
}
