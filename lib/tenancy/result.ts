import { z } from "zod";

/** What every action returns: data, or an error a person can act on. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** An error raised on purpose: its message is safe to show. Anything else shows as a generic failure. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code: "invalid" | "unauthenticated" | "forbidden" | "not_found" | "conflict" = "invalid",
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/**
 * A refusal whose bookkeeping must stand: the action factory commits what the action wrote before
 * refusing (a throttle's count of a wrong password), where any other error rolls everything back.
 */
export class CommittedRefusal extends ActionError {}

/** Every field's messages at once, keyed by the field's path. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** FormData to a plain object; repeated names become arrays. Objects pass through. */
export function toInput(raw: unknown): unknown {
  if (typeof FormData === "undefined" || !(raw instanceof FormData)) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of raw.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const v = typeof value === "string" ? value : value.name;
    out[key] = key in out ? ([] as unknown[]).concat(out[key], v) : v;
  }
  return out;
}
