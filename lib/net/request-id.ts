import crypto from "node:crypto";

/** A plain token of at most 128 characters: the one rule for the gateway and the console. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+=\/-]{1,128}$/;

/**
 * The caller's `x-request-id` when it is a plain token, else a new UUID: the value is stored in
 * every request record and audit event of the request, so its length and alphabet are Keel's to decide.
 */
export function saneRequestId(given: string | null | undefined): string {
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}
