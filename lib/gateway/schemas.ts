import { z } from "zod";
import { invalidRequest } from "./errors";

// Loose objects: every field Keel does not know is forwarded untouched, so new OpenAI
// parameters work without a gateway release. Only what the gateway relies on is checked.
const nullableInt = (min: number) => z.number().int().min(min).nullable().optional();

/** Longest `model` accepted: it is looked up, recorded and echoed in errors, so it stays short. */
export const MAX_MODEL_LENGTH = 256;

/**
 * Control characters no endpoint name holds. NUL in particular: PostgreSQL refuses it in text, so
 * it would fail the lookup with a 500 and, in the request record, the whole batch of records it
 * was written with, other tenants' included.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/**
 * A lone surrogate: a string no UTF-8 text holds. PostgreSQL would store U+FFFD in its place, so the
 * record read back would differ from the one its MAC was computed over, and verify as tampered.
 */
export const LONE_SURROGATE = /\p{Cs}/u;

/** The end user a request names: its first END_USER_MAX characters are what the record keeps. */
export const END_USER_MAX = 256;
/** The end user to record: the `user` field's first END_USER_MAX code points (never half a pair), or null. */
export function endUserOf(user: string | undefined): string | null {
  if (!user) return null;
  if (user.length <= END_USER_MAX) return user;
  // The string's iterator walks only the code points kept. Array.from split the whole field first:
  // 0.8 s of the main thread per 10 MB `user` (1.7 s in CJK), measured on a busy 2-core machine.
  let end = 0;
  let kept = 0;
  for (const ch of user) {
    if (kept++ === END_USER_MAX) break;
    end += ch.length;
  }
  return user.slice(0, end);
}

/** Why a `model` name is refused before anything looks it up or records it, or null. */
export function modelNameProblem(model: string): string | null {
  if (model.length > MAX_MODEL_LENGTH) return `The model name is longer than ${MAX_MODEL_LENGTH} characters.`;
  if (CONTROL_CHARACTER.test(model)) return "The model name holds control characters.";
  if (LONE_SURROGATE.test(model)) return "The model name is not valid Unicode.";
  return null;
}

const modelSchema = z
  .string()
  .min(1)
  .max(MAX_MODEL_LENGTH, `must be at most ${MAX_MODEL_LENGTH} characters`)
  .refine((m) => !CONTROL_CHARACTER.test(m), "must not hold control characters")
  .refine((m) => !LONE_SURROGATE.test(m), "must be valid Unicode");

/** OpenAI's `user`: the caller's id for its end user, which the record keeps and the cost explorer groups by. */
const userSchema = z
  .string()
  .refine((u) => !CONTROL_CHARACTER.test(u), "must not hold control characters")
  .refine((u) => !LONE_SURROGATE.test(u), "must be valid Unicode")
  .optional();

const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

/** POST /v1/chat/completions. */
export const chatBodySchema = z.looseObject({
  model: modelSchema,
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: nullableInt(1),
  max_completion_tokens: nullableInt(1),
  n: nullableInt(1),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  user: userSchema,
});
export type ChatBody = z.infer<typeof chatBodySchema>;

/** POST /v1/embeddings. */
export const embeddingsBodySchema = z.looseObject({
  model: modelSchema,
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: userSchema,
});
export type EmbeddingsBody = z.infer<typeof embeddingsBodySchema>;

/** Parses a body or throws a 400 naming the first bad field, in OpenAI's words where it has them. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = formatPath(issue.path);
  if (valueAt(body, issue.path) === undefined) throw invalidRequest(`Missing required parameter: '${param}'.`, param);
  throw invalidRequest(`Invalid value for '${param}': ${issue.message}.`, param);
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
