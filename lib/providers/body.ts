import { GatewayError, apiError, clientClosed } from "@/lib/gateway/errors";
import type { ProviderBody } from "./provider";

/**
 * What `consumeBody` does after a chunk: `true` reads on, `false` stops reading and destroys the
 * rest of the body, a promise pauses the body until it settles (backpressure).
 */
export type ChunkVerdict = boolean | Promise<void>;

/**
 * Feeds a provider's body to `onChunk`, chunk by chunk, until it ends; rejects with what the
 * failure means for the caller (bodyError), having destroyed the body, when the body fails, is cut
 * off, or `onChunk` throws. Stream events rather than `for await`, whose promises cost more than
 * the rest of reading a small body or a stream's chunk (measured).
 */
export function consumeBody(body: ProviderBody, onChunk: (chunk: Buffer) => ChunkVerdict): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopped = false;
    const done = (error: unknown) => {
      if (settled) return;
      settled = true;
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      if (error === null && !stopped) return resolve();
      // Whatever the torn-down stream still emits must not become an uncaught error.
      body.on("error", () => {});
      body.destroy();
      if (error === null) resolve();
      else reject(bodyError(error));
    };
    const onData = (chunk: Buffer) => {
      let verdict: ChunkVerdict;
      try {
        verdict = onChunk(chunk);
      } catch (error) {
        return done(error);
      }
      if (verdict === false) {
        stopped = true;
        return done(null);
      }
      if (verdict === true) return;
      body.pause();
      void verdict.then(
        () => settled || body.resume(),
        (error: unknown) => done(error),
      );
    };
    const onEnd = () => done(null);
    const onError = (error: unknown) => done(error);
    // Closed before its end without an error: cut off, as `for await` reports it.
    const onClose = () => done(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    // A body already over would emit nothing more: settle now rather than never.
    if (body.readableEnded) return resolve();
    if (body.destroyed) return done(body.errored ?? Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
}

/** Reads a response body whole, refusing to buffer more than `limit` bytes. */
export function readUpstreamBody(body: ProviderBody, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const read = consumeBody(body, (chunk) => {
    size += chunk.length;
    if (size > limit) throw apiError(502, "upstream_too_large", `The provider's response is larger than ${limit} bytes.`);
    chunks.push(chunk);
    return true;
  });
  return read.then(() => Buffer.concat(chunks, size));
}

/** What a failure while reading a provider's body means for the caller. */
export function bodyError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string; name?: string })?.code;
  if (code === "UND_ERR_ABORTED" || (error as Error)?.name === "AbortError") return clientClosed();
  if (code === "UND_ERR_BODY_TIMEOUT") return apiError(504, "upstream_timeout", "The provider stopped sending its answer.");
  return apiError(502, "upstream_interrupted", `The provider's answer was cut off (${errorCode(error)}).`);
}

/** A connection error's code (ECONNREFUSED, UND_ERR_SOCKET), for messages that must not say more. */
export function errorCode(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message ?? "connection error";
}
