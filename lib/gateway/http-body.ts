import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import { GatewayError, clientClosed, invalidRequest } from "./errors";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+=\/-]{1,128}$/;

/** The caller's `x-request-id` when it is a plain token of at most 128 characters, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** Reads and parses a JSON request body, refusing bodies over `limit` bytes before buffering them. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const raw = await readBody(req, limit);
  if (raw.length === 0) throw invalidRequest("The request body is empty; send a JSON object.");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request.");
  }
}

/**
 * The request's bytes. Stream events rather than `for await`: the async iterator's promises and
 * end-of-stream bookkeeping cost more than the rest of reading a small body (measured).
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: GatewayError | null) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onClose);
      req.off("close", onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done(tooLarge(limit));
      // As leaving a `for await` early would: the rest of the body is not read, and the connection goes.
      req.on("error", () => {});
      req.destroy();
    };
    const onEnd = () => done(null);
    const onClose = () => done(clientClosed());
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onClose);
    req.on("close", onClose);
  });
}

function tooLarge(limit: number) {
  return new GatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${limit} bytes.`);
}

