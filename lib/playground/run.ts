import { throughGateway } from "@/lib/endpoints/through-gateway";
import { problem } from "@/lib/tenancy/route";
import { jsonSchemaProblem } from "@/lib/prompts/json-schema";
import type { PlaygroundParams, PlaygroundRun } from "./schemas";

/** The OpenAI chat request a playground run sends: the parameters under OpenAI's names, streamed with usage. */
export function chatRequestFor(endpointName: string, run: Pick<PlaygroundRun, "messages" | "params">): Record<string, unknown> {
  const p: PlaygroundParams = run.params;
  const format = p.responseFormat;
  return {
    model: endpointName,
    messages: run.messages.filter((m) => m.role !== "system" || m.content.trim() !== ""),
    stream: true,
    stream_options: { include_usage: true },
    temperature: p.temperature,
    top_p: p.topP,
    max_tokens: p.maxTokens,
    stop: p.stop?.length ? p.stop : undefined,
    seed: p.seed,
    response_format:
      format === undefined || format.type === "text"
        ? undefined
        : format.type === "json_object"
          ? { type: "json_object" }
          : { type: "json_schema", json_schema: { name: format.name, schema: format.schema, ...(format.strict === undefined ? {} : { strict: format.strict }) } },
  };
}

/**
 * Runs a playground prompt through Keel's own gateway as the signed-in user: limited, budgeted and
 * recorded like an API call, on the version the user picked or else the one the endpoint routes to.
 */
export async function runPlayground(
  who: { tenantId: string; userId: string },
  target: { endpointName: string; versionId: string | null },
  run: PlaygroundRun,
  signal: AbortSignal,
): Promise<Response> {
  // The form checked the schema as it was typed; the server checks again before anything is sent.
  const format = run.params.responseFormat;
  const schemaProblem = format?.type === "json_schema" ? jsonSchemaProblem(format.schema) : null;
  if (schemaProblem) {
    const message = `Not a valid JSON Schema: ${schemaProblem}`;
    return problem(400, "invalid", message, { "params.responseFormat.schema": [message] });
  }
  const claims = target.versionId ? { ...who, versionId: target.versionId } : who;
  return throughGateway(claims, "chat/completions", chatRequestFor(target.endpointName, run), signal);
}
