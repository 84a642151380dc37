import { z } from "zod";
import { promptParametersSchema } from "@/lib/prompts/schemas";

/**
 * What the playground sends to run a prompt (safe for the client). Its parameters are the prompt
 * library's, under OpenAI's names, so a column saves as a prompt version and a version opens in a
 * column as they are; the server sends them in an OpenAI chat request through Keel's own gateway.
 */
export const playgroundMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"], { error: "Role must be system, user or assistant" }),
  content: z.string().max(32_000, "A message may hold at most 32,000 characters"),
});
export type PlaygroundMessage = z.infer<typeof playgroundMessageSchema>;

/** An id as the pickers send it; one that no id can be (a NUL, say) is refused here, not by the database with a 500. */
const pickedId = (missing: string, unknown: string) => z.string({ error: missing }).min(1, missing).max(64, unknown).regex(/^[\w-]+$/, unknown);

export const playgroundRunSchema = z.object({
  endpointId: pickedId("Pick an endpoint", "No such endpoint"),
  /** A specific version of the endpoint; unset runs whatever the endpoint routes to (its active version). */
  versionId: pickedId("Pick a version", "No such version").nullish(),
  messages: z
    .array(playgroundMessageSchema)
    .max(100, "At most 100 messages")
    .refine((ms) => ms.some((m) => m.role !== "system" && m.content.trim() !== ""), "Write a message first: the thread is empty"),
  params: promptParametersSchema.optional().default({}),
});
export type PlaygroundRun = z.infer<typeof playgroundRunSchema>;

/** What the playground shows of a finished run, read back from its request record. */
export type PlaygroundRunRecord = {
  requestId: string;
  status: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: string;
  latencyMs: number;
  ttftMs: number | null;
  endpointName: string | null;
  version: { id: string; label: string } | null;
  createdAt: string;
};

/** A chat endpoint and its versions, for the playground's pickers. */
export type PlaygroundEndpoint = {
  id: string;
  name: string;
  disabled: boolean;
  activeVersionId: string | null;
  versions: { id: string; label: string; providerModel: string }[];
};
