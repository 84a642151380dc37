import { z } from "zod";
import type { EndpointKind } from "@/lib/db/generated/enums";
import { problem } from "@/lib/tenancy/route";
import { throughGateway } from "./through-gateway";

const message = z.object({
  role: z.enum(["system", "user", "assistant"], { error: "Role must be system, user or assistant" }),
  content: z.string().max(32_000, "A message may hold at most 32,000 characters"),
});

/** What the "try it" panel sends: messages for chat endpoints, texts for embeddings endpoints. */
export const tryEndpointSchema = z.object({
  messages: z.array(message).min(1, "Write a message first").max(50, "At most 50 messages").optional(),
  maxTokens: z.number().int().min(1, "Max tokens must be at least 1").max(4096, "Max tokens must be at most 4096").optional(),
  temperature: z.number().min(0, "Temperature must be between 0 and 2").max(2, "Temperature must be between 0 and 2").optional(),
  input: z.array(z.string().min(1, "Texts cannot be empty").max(8_000, "A text may hold at most 8,000 characters")).min(1, "Write a text first").max(16, "At most 16 texts").optional(),
});
export type TryEndpointInput = z.infer<typeof tryEndpointSchema>;

/** The endpoint page's "try it" panel: one request through Keel's own gateway as the signed-in user. */
export async function tryEndpoint(
  who: { tenantId: string; userId: string },
  endpoint: { name: string; kind: EndpointKind },
  input: TryEndpointInput,
  signal: AbortSignal,
): Promise<Response> {
  const chat = endpoint.kind === "CHAT";
  if (chat && !input.messages) return problem(400, "invalid", "A chat endpoint takes messages.", { messages: ["Write a message first"] });
  if (!chat && !input.input) return problem(400, "invalid", "An embeddings endpoint takes texts.", { input: ["Write a text first"] });

  const body = chat
    ? { model: endpoint.name, messages: input.messages, stream: true, stream_options: { include_usage: true }, max_tokens: input.maxTokens, temperature: input.temperature }
    : { model: endpoint.name, input: input.input, encoding_format: "float" };
  return throughGateway(who, chat ? "chat/completions" : "embeddings", body, signal);
}
