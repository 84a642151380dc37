import { throughGateway } from "@/lib/endpoints/through-gateway";
import type { PlaygroundRun } from "./schemas";

/**
 * The most a run's body may hold: what the gateway takes by default (maxBodyBytes), which the run's
 * own request is about the size of. Next sets no limit on a route handler's body, and `req.json()`
 * would buffer whatever a signed-in member sends, gigabytes included.
 */
export const MAX_RUN_BODY_BYTES = 10 * 1024 * 1024;

/** A run's body, read up to MAX_RUN_BODY_BYTES and parsed; `value` is null when it is not JSON. */
export async function readRunBody(req: Request): Promise<{ ok: true; value: unknown } | { ok: false; tooLarge: true }> {
  if (!req.body) return { ok: true, value: null };
  if (Number(req.headers.get("content-length") ?? 0) > MAX_RUN_BODY_BYTES) return { ok: false, tooLarge: true };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RUN_BODY_BYTES) {
      await reader.cancel();
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: true, value: null };
  }
}

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
