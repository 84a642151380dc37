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
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw error instanceof GatewayError ? error : clientClosed();
  }
  if (size === 0) throw invalidRequest("The request body is empty; send a JSON object.");
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request.");
  }
}

function tooLarge(limit: number) {
  return new GatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${limit} bytes.`);
}

