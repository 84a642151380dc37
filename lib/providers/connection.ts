import OpenAI from "openai";

export type ConnectionResult = { ok: true; models: string[] } | { ok: false; error: string };

/**
 * Asks an OpenAI-compatible provider for its models with the official client: the console's
 * "test connection". The gateway forwards traffic with undici instead, for speed.
 */
export async function testOpenAiCompatible(baseUrl: string, apiKey: string | null): Promise<ConnectionResult> {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: apiKey || "not-needed", timeout: 10_000, maxRetries: 0 });
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
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "The provider did not answer within 10 seconds.";
  if (error instanceof OpenAI.APIConnectionError) return `Could not reach the provider: ${error.cause instanceof Error ? error.cause.message : error.message}`;
  if (error instanceof OpenAI.APIError) return `The provider answered ${error.status ?? "an error"}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
