import { throughGateway } from "@/lib/endpoints/through-gateway";
import type { PlaygroundRun } from "./schemas";

/**
 * The OpenAI chat request a playground run sends, streamed with usage. The parameters already carry
 * OpenAI's names and only what was set (promptParametersSchema checked them, the JSON Schema included).
 */
export function chatRequestFor(endpointName: string, run: Pick<PlaygroundRun, "messages" | "params">): Record<string, unknown> {
  return {
    ...run.params,
    model: endpointName,
    messages: run.messages.filter((m) => m.role !== "system" || m.content.trim() !== ""),
    stream: true,
    stream_options: { include_usage: true },
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
  const claims = target.versionId ? { ...who, versionId: target.versionId } : who;
  return throughGateway(claims, "chat/completions", chatRequestFor(target.endpointName, run), signal);
}
