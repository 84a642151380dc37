import { apiError } from "./errors";

/** A provider's JSON body as an object; anything else is the provider's fault (502). */
export function parseProviderJson(raw: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw.toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw apiError(502, "upstream_invalid_response", "The provider's answer was not a JSON object.");
}
