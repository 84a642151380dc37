/** The models Keel ships for offline use. Safe to import from client components. */
export type BuiltinModel = {
  id: string;
  kind: "CHAT" | "EMBEDDINGS";
  name: string;
  /** What a user should expect of it, shown wherever the model can be picked. */
  description: string;
  dimensions?: number;
  contextTokens?: number;
};

export const BUILTIN_CHAT_MODEL = "tinyllama-1.1b-chat";
export const BUILTIN_EMBEDDING_MODEL = "use-lite-512";

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  {
    id: BUILTIN_CHAT_MODEL,
    kind: "CHAT",
    name: "TinyLlama 1.1B Chat (2-bit)",
    description: "Tiny demo model: runs offline on this machine's CPU at a few dozen tokens per second, and is often wrong.",
    contextTokens: 2048,
  },
  {
    id: BUILTIN_EMBEDDING_MODEL,
    kind: "EMBEDDINGS",
    name: "Universal Sentence Encoder lite",
    description: "Small demo embedding model: 512 dimensions, English only, runs offline.",
    dimensions: 512,
  },
];

export const BUILTIN_NOTICE =
  "Built-in models are tiny demo models that run offline on Keel's own CPU: good for trying Keel without a provider, not for production answers.";

export function findBuiltinModel(id: string): BuiltinModel | undefined {
  return BUILTIN_MODELS.find((m) => m.id === id);
}
