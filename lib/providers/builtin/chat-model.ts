import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { BuiltinModelError } from "./errors";
import { tinyLlamaPath } from "./model-files";
import { SerialQueue } from "./serial-queue";

export type BuiltinChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type BuiltinChatRequest = {
  messages: BuiltinChatMessage[];
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /** "json" for any JSON object, or a JSON schema the answer must follow. */
  json?: { schema: Record<string, unknown> | null };
};

export type BuiltinChatResult = {
  text: string;
  finishReason: "stop" | "length";
  inputTokens: number;
  outputTokens: number;
};

const CONTEXT_TOKENS = 2048;

type Loaded = { llama: Llama; model: LlamaModel; context: LlamaContext; Chat: typeof LlamaChat };

/**
 * TinyLlama on node-llama-cpp's prebuilt CPU binary (never built, never downloaded), loaded on the
 * first request and kept. One request runs at a time on all cores; others queue.
 */
export class BuiltinChatModel {
  private loading: Promise<Loaded> | null = null;
  private readonly queue = new SerialQueue(32, "chat model");

  constructor(private readonly modelsDir: string) {}

  /** Generates an answer, calling `onText` with each piece as it is decoded. */
  complete(request: BuiltinChatRequest, onText: (text: string) => void, signal: AbortSignal): Promise<BuiltinChatResult> {
    return this.queue.run(async () => {
      const { llama, model, context, Chat } = await this.load();
      const chat = new Chat({ contextSequence: context.getSequence(), autoDisposeSequence: true });
      try {
        const history = toHistory(request.messages);
        const inputTokens = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
        if (inputTokens + request.maxTokens > CONTEXT_TOKENS) {
          throw new RangeError(`The conversation is ${inputTokens} tokens; with max_tokens ${request.maxTokens} it exceeds the built-in model's ${CONTEXT_TOKENS}-token context.`);
        }
        let outputTokens = 0;
        const result = await chat.generateResponse(history, {
          maxTokens: request.maxTokens,
          temperature: request.temperature,
          topP: request.topP,
          seed: request.seed,
          customStopTriggers: request.stop?.length ? request.stop : undefined,
          grammar: request.json ? await grammarFor(llama, request.json.schema) : undefined,
          signal,
          stopOnAbortSignal: true,
          onToken: (tokens) => (outputTokens += tokens.length),
          onTextChunk: onText,
        });
        return {
          text: result.response,
          finishReason: result.metadata.stopReason === "maxTokens" ? "length" : "stop",
          inputTokens,
          outputTokens,
        };
      } finally {
        chat.dispose();
      }
    }, signal);
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    if (!loading) return;
    const loaded = await loading.catch(() => null);
    await loaded?.context.dispose();
    await loaded?.model.dispose();
  }

  private load(): Promise<Loaded> {
    this.loading ??= this.open().catch((error) => {
      this.loading = null;
      if (error instanceof BuiltinModelError) throw error;
      throw new BuiltinModelError("unavailable", `The built-in chat model could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.loading;
  }

  private async open(): Promise<Loaded> {
    const modelPath = await tinyLlamaPath(this.modelsDir);
    const { getLlama, LlamaChat } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: false, build: "never", progressLogs: false });
    const model = await llama.loadModel({ modelPath });
    // More threads than cores slows llama.cpp down; it counts hyperthreads as cores.
    const context = await model.createContext({ contextSize: CONTEXT_TOKENS, sequences: 1, threads: llama.cpuMathCores });
    return { llama, model, context, Chat: LlamaChat };
  }
}

/** OpenAI messages as node-llama-cpp's chat history, ending with the answer to generate. */
function toHistory(messages: BuiltinChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === "system" ? { type: "system", text: m.content } : m.role === "user" ? { type: "user", text: m.content } : { type: "model", response: [m.content] },
  );
  history.push({ type: "model", response: [] });
  return history;
}

async function grammarFor(llama: Llama, schema: Record<string, unknown> | null): Promise<LlamaGrammar> {
  if (!schema) return llama.getGrammarFor("json");
  try {
    return await llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0]);
  } catch (error) {
    throw new RangeError(`The built-in model cannot follow this JSON schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}
