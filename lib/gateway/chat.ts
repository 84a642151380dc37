import type { IncomingMessage, ServerResponse } from "node:http";
import { admit, authenticateCaller } from "./admit";
import { streamChat } from "./chat-stream";
import { sendJson } from "./errors";
import { hashInput, type Exchange } from "./exchange";
import { forward, providerBody } from "./forward";
import type { Gateway } from "./gateway";
import { readJsonBody } from "./http-body";
import { parseProviderJson } from "./json";
import { chatBodySchema, parseBody, type ChatBody } from "./schemas";
import { choiceChars, chatPromptChars, estimateChatUsage, readUsage, tokensForChars } from "./tokens";
import { readUpstreamBody } from "./upstream";

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * POST /api/v1/chat/completions, plain or streamed. Admission comes in two halves around parse:
 * the key first, from the headers alone, so that no unauthenticated body is read, parsed or
 * hashed; then, with the body, the endpoint, budget and limits.
 */
export async function chatCompletions(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  ex.route = "chat.completions";
  const key = await authenticateCaller(gw, req);
  const body = parseBody(chatBodySchema, await readJsonBody(req, gw.options.maxBodyBytes));
  ex.stream = body.stream === true;
  ex.inputHash = hashInput(body);
  const { versions, lease } = await admit(gw, ex, key, body.model, "CHAT", (v) => estimateChatUsage(body, v.params));
  try {
    const { response, version } = await forward(gw, ex, versions, "/chat/completions", (v) => chatRequest(v, body, ex.stream), signal);
    if (ex.stream) {
      await streamChat(gw, ex, res, response, version, body, signal);
      return;
    }
    const raw = await readUpstreamBody(response.body, MAX_RESPONSE_BYTES);
    const json = parseProviderJson(raw);
    ex.applyUsage(
      readUsage(json.usage),
      () => ({ inputTokens: tokensForChars(chatPromptChars(body)), outputTokens: tokensForChars(choiceChars(json.choices)) }),
      version.prices,
    );
    await ex.finish(gw.records, 200, null);
    // The provider's bytes go out as they came: nothing to re-serialise on the hot path.
    sendJson(res, 200, raw, { "x-keel-model-version": version.id });
  } finally {
    lease.settle(ex.usage, ex.costUsd);
  }
}

/** Streams always ask the provider for usage, so the record has real token counts. */
function chatRequest(version: Parameters<typeof providerBody>[0], body: ChatBody, stream: boolean): Record<string, unknown> {
  const payload = providerBody(version, body);
  if (stream) payload.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
  return payload;
}
