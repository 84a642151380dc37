import { GatewayError, apiError, clientClosed } from "@/lib/gateway/errors";
import type { ProviderBody } from "./provider";

/**
 * Reads a response body, refusing to buffer more than `limit` bytes. Stream events rather than
 * `for await`, whose promises cost more than the rest of reading a small body (measured).
 */
export function readUpstreamBody(body: ProviderBody, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: unknown) => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onClose);
      if (error === null) return resolve(Buffer.concat(chunks, size));
      // Whatever the torn-down stream still emits must not become an uncaught error.
      body.on("error", () => {});
      body.destroy();
      reject(bodyError(error));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(apiError(502, "upstream_too_large", `The provider's response is larger than ${limit} bytes.`));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (error: unknown) => done(error);
    // Closed before its end without an error: cut off, as `for await` reports it.
    const onClose = () => done(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onClose);
  });
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
