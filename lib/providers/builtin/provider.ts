import path from "node:path";
import { PassThrough } from "node:stream";
import { GatewayError, abortedBy, apiError, invalidRequest } from "@/lib/gateway/errors";
import type { Provider, ProviderCall, ProviderResponse } from "../provider";
import { NO_RETRIES, withRetries } from "../retry";
import { findBuiltinModel } from "./catalog";
import { BuiltinChatModel, type BuiltinChatResult } from "./chat-model";
import { BuiltinEmbeddingModel } from "./embedding-model";
import { BuiltinModelError } from "./errors";
import { toBuiltinChatRequest } from "./request";

/**
 * The built-in models as a provider: they take the OpenAI request the gateway would send and
 * answer with the bytes an OpenAI-compatible server would, so records, usage, streaming and
 * fallbacks work for them exactly as for remote providers. One attempt: a busy or missing model
 * would be no different a moment later, so a fallback version is the better next step.
 */
export class BuiltinProvider implements Provider {
  private readonly chatModel: BuiltinChatModel;
  private readonly embedder = new BuiltinEmbeddingModel();

  constructor(modelsDir: string) {
    this.chatModel = new BuiltinChatModel(path.resolve(modelsDir));
  }

  chat(call: ProviderCall): Promise<ProviderResponse> {
    return withRetries(NO_RETRIES, call, async () => ({ kind: "done", value: await this.answer(call, "CHAT") }));
  }

  embed(call: ProviderCall): Promise<ProviderResponse> {
    return withRetries(NO_RETRIES, call, async () => ({ kind: "done", value: await this.answer(call, "EMBEDDINGS") }));
  }

  private async answer({ body, signal: requestSignal, requestId }: ProviderCall, kind: "CHAT" | "EMBEDDINGS"): Promise<ProviderResponse> {
    // The models take a real AbortSignal; built-in calls are few and slow, so making one costs nothing that shows.
    const signal = requestSignal.abortSignal;
    const modelId = String(body.model);
    const model = findBuiltinModel(modelId);
    if (!model || model.kind !== kind) {
      throw apiError(502, "provider_misconfigured", `The built-in provider has no ${kind === "CHAT" ? "chat" : "embedding"} model \`${modelId}\`.`);
    }
    try {
      if (kind === "EMBEDDINGS") return json(await this.embeddings(model.id, model.dimensions ?? 0, body, signal));
      const request = toBuiltinChatRequest(body);
      const answer = new ChatAnswer(`chatcmpl-${requestId}`, model.id);
      if (body.stream === true) return await this.streamChat(request, answer, signal);
      const result = await this.chatModel.complete(request, () => {}, signal);
      // Generation stops early when the caller leaves; that is no answer to record as a success.
      if (signal.aborted) throw abortedBy(signal);
      return json(answer.completion(result));
    } catch (error) {
      throw this.toGatewayError(error, signal);
    }
  }

  async close(): Promise<void> {
    await this.chatModel.close();
  }

  private async embeddings(modelId: string, dimensions: number, body: Record<string, unknown>, signal: AbortSignal) {
    const input = body.input;
    const texts = typeof input === "string" ? [input] : Array.isArray(input) && input.every((i) => typeof i === "string") ? (input as string[]) : null;
    if (!texts) throw invalidRequest("The built-in embedding model takes text, not token ids.", "input");
    if (body.dimensions !== undefined && body.dimensions !== dimensions) {
      throw invalidRequest(`The built-in embedding model has ${dimensions} dimensions; it cannot return ${String(body.dimensions)}.`, "dimensions");
    }
    const { vectors, inputTokens } = await this.embedder.embed(texts, signal);
    return {
      object: "list",
      model: modelId,
      data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
      usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
    };
  }

  /** Resolves once the first text is decoded (or the answer is empty), so failures before it keep their status. */
  private streamChat(request: ReturnType<typeof toBuiltinChatRequest>, answer: ChatAnswer, signal: AbortSignal): Promise<ProviderResponse> {
    const body = new PassThrough();
    // The gateway destroys the body when the caller leaves: stop generating then.
    const stop = new AbortController();
    body.on("close", () => stop.abort());
    const both = AbortSignal.any([signal, stop.signal]);
    return new Promise((resolve, reject) => {
      let started = false;
      const start = () => {
        if (started) return;
        started = true;
        body.write(answer.event(answer.chunk({ role: "assistant", content: "" }, null)));
        resolve({ statusCode: 200, headers: { "content-type": "text/event-stream" }, body });
      };
      this.chatModel
        .complete(request, (text) => {
          start();
          if (!body.destroyed) body.write(answer.event(answer.chunk({ content: text }, null)));
        }, both)
        .then((result) => {
          start();
          if (body.destroyed) return;
          // Cut short (the caller left, or Keel is shutting down): never end a partial answer with [DONE].
          if (signal.aborted) return void body.end(answer.event(abortedBy(signal).toJSON()));
          body.write(answer.event(answer.chunk({}, result.finishReason)));
          body.write(answer.event(answer.usageChunk(result)));
          body.end("data: [DONE]\n\n");
        })
        .catch((error) => {
          if (!started) return reject(error);
          // Mid-stream: an error event and no [DONE], which the gateway reports as a broken stream.
          if (!body.destroyed) body.end(answer.event(this.toGatewayError(error, signal).toJSON()));
        });
    });
  }

  private toGatewayError(error: unknown, signal: AbortSignal): GatewayError {
    if (error instanceof GatewayError) return error;
    if (signal.aborted) return abortedBy(signal);
    if (error instanceof BuiltinModelError) {
      return error.reason === "busy" ? apiError(503, "builtin_busy", error.message) : apiError(503, "builtin_unavailable", error.message);
    }
    if (error instanceof RangeError) return invalidRequest(error.message);
    console.error("[gateway] built-in model failed:", error);
    return apiError(500, "builtin_failed", "The built-in model failed; see Keel's log.");
  }
}

/** OpenAI's chat completion and chunk shapes for one answer. */
class ChatAnswer {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  completion(result: BuiltinChatResult) {
    return {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message: { role: "assistant", content: result.text }, finish_reason: result.finishReason, logprobs: null }],
      usage: usage(result),
    };
  }

  chunk(delta: Record<string, unknown>, finishReason: string | null) {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
  }

  usageChunk(result: BuiltinChatResult) {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage: usage(result) };
  }

  event(data: unknown): string {
    return `data: ${JSON.stringify(data)}\n\n`;
  }
}

function usage(result: BuiltinChatResult) {
  return { prompt_tokens: result.inputTokens, completion_tokens: result.outputTokens, total_tokens: result.inputTokens + result.outputTokens };
}

function json(value: unknown): ProviderResponse {
  const body = new PassThrough();
  body.end(JSON.stringify(value));
  return { statusCode: 200, headers: { "content-type": "application/json" }, body };
}
