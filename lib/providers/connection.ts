import OpenAI, { type ClientOptions } from "openai";
import { outboundPolicy } from "@/lib/net/policy";
import { OutboundRefusedError, OutboundUnresolvedError, outboundRefusal, type OutboundPolicy } from "@/lib/net/outbound";

export type ConnectionResult = { ok: true; models: string[] } | { ok: false; error: string };

/**
 * Asks an OpenAI-compatible provider for its models with the official client: the console's
 * "test connection". Every connection goes through the outbound policy; redirects are not
 * followed, as the gateway (which forwards with undici for speed) does not follow them either.
 * Failures are described by what happened, never by the provider's own words: the URL may point
 * at a service whose error pages say more than its owner would show.
 */
export async function testOpenAiCompatible(baseUrl: string, apiKey: string | null, policy: OutboundPolicy = outboundPolicy()): Promise<ConnectionResult> {
  try {
    await policy.check(baseUrl);
  } catch (error) {
    if (error instanceof OutboundRefusedError || error instanceof OutboundUnresolvedError) return { ok: false, error: error.message };
    throw error;
  }
  const client = new OpenAI({
    baseURL: baseUrl,
    apiKey: apiKey || "not-needed",
    timeout: 10_000,
    maxRetries: 0,
    fetch: ((url: string, init?: object) => policy.fetch(url, { ...init, redirect: "manual" })) as unknown as ClientOptions["fetch"],
  });
  try {
    const models: string[] = [];
    for await (const model of client.models.list()) {
      models.push(model.id);
      if (models.length >= 200) break;
    }
    return { ok: true, models: models.sort() };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  const refusal = outboundRefusal(error);
  if (refusal) return refusal.message;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "The provider did not answer within 10 seconds.";
  if (error instanceof OpenAI.APIConnectionError) return `Could not reach the provider (${rootCode(error) ?? "connection failed"}).`;
  if (error instanceof OpenAI.APIError) return `The provider answered HTTP ${error.status ?? "error"}: ${meaning(error.status)}`;
  console.error("[providers] test connection failed:", error);
  return "The provider's answer was not an OpenAI-compatible list of models.";
}

/** What a status means for the person testing, in Keel's words rather than the provider's. */
function meaning(status: number | undefined): string {
  if (status === undefined) return "an unexpected answer.";
  if (status >= 300 && status < 400) return "a redirect. Keel does not follow a provider's redirects; enter the address it redirects to as the base URL.";
  if (status === 401 || status === 403) return "it refused the API key.";
  if (status === 404) return "it has no models list at this base URL (OpenAI-compatible base URLs usually end in /v1).";
  if (status === 429) return "it is rate limiting Keel; try again later.";
  if (status >= 500) return "the provider failed.";
  return "it refused the request.";
}

function rootCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
  }
  return null;
}
