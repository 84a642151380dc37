import { z } from "zod";

/**
 * What the playground sends to run a prompt (safe for the client). The names follow the form's
 * fields; the server turns them into an OpenAI chat request sent through Keel's own gateway.
 */
export const playgroundMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"], { error: "Role must be system, user or assistant" }),
  content: z.string().max(32_000, "A message may hold at most 32,000 characters"),
});
export type PlaygroundMessage = z.infer<typeof playgroundMessageSchema>;

/** Longer than any response schema a person writes; bounds the work one check may cause. */
export const MAX_SCHEMA_CHARS = 32_000;

const jsonSchemaName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "The schema's name may use letters, digits, _ and -, up to 64 characters");

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: jsonSchemaName,
    // Checked as a JSON Schema by the form as it is typed, and again by the server before any run.
    schema: z
      .record(z.string(), z.unknown())
      .refine((schema) => JSON.stringify(schema).length <= MAX_SCHEMA_CHARS, `The JSON Schema may hold at most ${MAX_SCHEMA_CHARS.toLocaleString("en-US")} characters`),
    strict: z.boolean().optional(),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

export const playgroundParamsSchema = z.object({
  temperature: z.number().min(0, "Temperature must be between 0 and 2").max(2, "Temperature must be between 0 and 2").optional(),
  topP: z.number().min(0, "Top P must be between 0 and 1").max(1, "Top P must be between 0 and 1").optional(),
  maxTokens: z.number().int("Max tokens must be a whole number").min(1, "Max tokens must be at least 1").max(32_768, "Max tokens must be at most 32,768").optional(),
  stop: z.array(z.string().min(1, "A stop sequence cannot be empty").max(64, "A stop sequence may hold at most 64 characters")).max(4, "At most 4 stop sequences").optional(),
  seed: z.number().int("The seed must be a whole number").min(0, "The seed must be 0 or more").max(2 ** 31 - 1, "The seed is too large").optional(),
  responseFormat: responseFormatSchema.optional(),
});
export type PlaygroundParams = z.infer<typeof playgroundParamsSchema>;

export const playgroundRunSchema = z.object({
  endpointId: z.string().min(1, "Pick an endpoint").max(64),
  /** A specific version of the endpoint; unset runs whatever the endpoint routes to (its active version). */
  versionId: z.string().min(1).max(64).nullish(),
  messages: z
    .array(playgroundMessageSchema)
    .max(100, "At most 100 messages")
    .refine((ms) => ms.some((m) => m.role !== "system" && m.content.trim() !== ""), "Write a message first: the thread is empty"),
  params: playgroundParamsSchema.default({}),
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
