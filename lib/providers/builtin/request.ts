import { invalidRequest } from "@/lib/gateway/errors";
import type { BuiltinChatMessage, BuiltinChatRequest } from "./chat-model";

const DEFAULT_MAX_TOKENS = 256;

/**
 * An OpenAI chat body (version defaults already merged in) as a request to the built-in chat
 * model, or a 400 that says which feature the tiny model lacks. Unknown sampling parameters are
 * ignored, as OpenAI-compatible servers do.
 */
export function toBuiltinChatRequest(body: Record<string, unknown>): BuiltinChatRequest {
  const tools = body.tools;
  if (Array.isArray(tools) && tools.length > 0 && body.tool_choice !== "none") {
    throw invalidRequest("The built-in demo chat model does not support tools; send the request without `tools` or use another provider.", "tools");
  }
  if (typeof body.n === "number" && body.n > 1) throw invalidRequest("The built-in demo chat model returns one choice; `n` must be 1.", "n");
  if (body.logprobs === true) throw invalidRequest("The built-in demo chat model does not return logprobs.", "logprobs");

  const request: BuiltinChatRequest = {
    messages: (body.messages as unknown[]).map(toMessage),
    maxTokens: numberOr(body.max_completion_tokens, numberOr(body.max_tokens, DEFAULT_MAX_TOKENS)),
    temperature: optionalNumber(body.temperature),
    topP: optionalNumber(body.top_p),
    seed: optionalNumber(body.seed),
    stop: stopList(body.stop),
    json: jsonMode(body.response_format),
  };
  return request;
}

function toMessage(raw: unknown, index: number): BuiltinChatMessage {
  const m = raw as { role: string; content?: unknown };
  const role = m.role === "developer" ? "system" : m.role;
  if (role !== "system" && role !== "user" && role !== "assistant") {
    throw invalidRequest(`The built-in demo chat model does not take \`${m.role}\` messages.`, `messages[${index}].role`);
  }
  return { role, content: textOf(m.content, index) };
}

function textOf(content: unknown, index: number): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return (content as { type: string; text?: unknown }[])
    .map((part) => {
      if (part.type !== "text" || typeof part.text !== "string") {
        throw invalidRequest(`The built-in demo chat model reads text only, not \`${part.type}\` parts.`, `messages[${index}].content`);
      }
      return part.text;
    })
    .join("\n");
}

function stopList(stop: unknown): string[] | undefined {
  if (typeof stop === "string") return stop ? [stop] : undefined;
  if (Array.isArray(stop)) return stop.filter((s): s is string => typeof s === "string" && s !== "");
  return undefined;
}

function jsonMode(format: unknown): BuiltinChatRequest["json"] {
  const f = format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (!f || f.type === "text") return undefined;
  if (f.type === "json_object") return { schema: null };
  if (f.type === "json_schema") {
    const schema = f.json_schema?.schema;
    if (typeof schema !== "object" || schema === null) throw invalidRequest("`response_format.json_schema.schema` must be a JSON schema object.", "response_format");
    return { schema: schema as Record<string, unknown> };
  }
  throw invalidRequest(`Unknown response_format type \`${f.type}\`.`, "response_format");
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
