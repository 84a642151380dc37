import { z } from "zod";
import { endpointNameSchema } from "@/lib/endpoints/schemas";
import { checkJsonSchema, jsonSchemaProblem, MAX_SCHEMA_CHARS, SCHEMA_TOO_LONG } from "./json-schema";
import { unstorableText } from "./storable-text";
import { extractVariables } from "./template";

/** A prompt's name follows the rules of endpoint names: applications send it in a URL, as they send `model`. */
export const promptNameSchema = endpointNameSchema;

export const MAX_MESSAGES = 50;
export const MAX_TEXT = 32_000;
export const MAX_STOP = 4;

const blankToUndefined = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

/** A number a form may leave empty; as a string or a number, within [min, max]. */
const optionalNumber = (what: string, min: number, max: number, integer = false) => {
  let n = z.coerce.number({ error: `${what} must be a number` }).min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`);
  if (integer) n = n.int(`${what} must be a whole number`);
  return z.preprocess(blankToUndefined, n.optional());
};

/** A refinement refusing text the database cannot store, naming the field (`what`) and why. */
const storable = (what: string) =>
  [(text: string) => unstorableText(text) === null, { error: (issue: { input?: unknown }) => `${what} ${unstorableText(String(issue.input))}` }] as const;

export const promptMessageSchema = z.object({
  role: z.enum(["user", "assistant"], { error: "Role must be user or assistant" }),
  content: z
    .string({ error: "Write the message" })
    .max(MAX_TEXT, `A message may hold at most ${MAX_TEXT} characters`)
    .refine((text) => text.trim() !== "", "Write the message, or remove it")
    .refine(...storable("The message")),
});

/**
 * A JSON Schema given as JSON text (from a form) or as an object (from a stored version, or a
 * playground run), checked by the one JSON Schema check the editors also run as it is typed.
 */
const jsonSchemaValue = z.unknown().transform((value, ctx) => {
  if (typeof value === "string") {
    const checked = checkJsonSchema(value);
    if (checked.ok) return checked.schema;
    ctx.addIssue({ code: "custom", message: checked.error });
    return z.NEVER;
  }
  // A forged call may send an object rather than the form's text: the same checks apply, the
  // nesting first (it bounds what serializing the object to measure it may cost).
  const problem = jsonSchemaProblem(value);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `Not a valid JSON Schema: ${problem}` });
    return z.NEVER;
  }
  if ((JSON.stringify(value) ?? "").length > MAX_SCHEMA_CHARS) {
    ctx.addIssue({ code: "custom", message: SCHEMA_TOO_LONG });
    return z.NEVER;
  }
  return value as Record<string, unknown>;
});

/** OpenAI's response_format: text, any JSON object, or JSON that follows a schema. */
export const responseFormatSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z.object({
      type: z.literal("json_schema"),
      json_schema: z.object({
        name: z
          .string({ error: "Name the schema" })
          .trim()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "The schema's name may hold letters, digits, underscores and dashes, at most 64"),
        schema: jsonSchemaValue,
        strict: z.boolean({ error: "Strict must be true or false" }).optional(),
      }),
    }),
  ],
  { error: "Response format must be text, json_object or json_schema" },
);

/** Sampling parameters, under the names OpenAI's chat API gives them, so a version's can be sent as they are. */
export const promptParametersSchema = z
  .object({
    temperature: optionalNumber("Temperature", 0, 2),
    top_p: optionalNumber("Top p", 0, 1),
    max_tokens: optionalNumber("Max tokens", 1, 1_000_000, true),
    stop: z.preprocess(
      (v) => (v === undefined || v === null ? undefined : [v].flat().filter((s) => s !== "")),
      z
        .array(z.string({ error: "Each stop sequence must be text" }).max(200, "A stop sequence may hold at most 200 characters").refine(...storable("The stop sequence")))
        .max(MAX_STOP, `At most ${MAX_STOP} stop sequences`)
        .optional(),
    ),
    seed: optionalNumber("Seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true),
    response_format: z.preprocess(blankToUndefined, responseFormatSchema.optional()),
  })
  // Unset parameters leave no key behind, so stored versions and their diffs hold only what was chosen.
  .transform((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as PromptParametersOut);

type PromptParametersOut = {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  response_format?: z.output<typeof responseFormatSchema>;
};

const contentShape = {
  system: z
    .string({ error: "The system prompt must be text" })
    .max(MAX_TEXT, `The system prompt may hold at most ${MAX_TEXT} characters`)
    .refine(...storable("The system prompt"))
    .optional()
    .default(""),
  messages: z.array(promptMessageSchema).max(MAX_MESSAGES, `At most ${MAX_MESSAGES} messages`).optional().default([]),
  parameters: promptParametersSchema.optional().default({}),
};

/** What the template's texts add up to at most; keeps a version, and the audit event that holds it, a sensible size. */
export const MAX_TOTAL_TEXT = 100_000;

type ContentLike = { system?: unknown; messages?: unknown };
const texts = (v: ContentLike) => [
  typeof v.system === "string" ? v.system : "",
  ...(Array.isArray(v.messages) ? v.messages.map((m: { content?: unknown }) => (typeof m?.content === "string" ? m.content : "")) : []),
];

/**
 * Checks across fields: a version must say something (a system prompt or a message) and stay within
 * MAX_TOTAL_TEXT. They run even when other fields fail, so that every error shows at once.
 */
function withContentChecks<S extends z.ZodObject>(schema: S): S {
  return schema
    .refine((v: ContentLike) => texts(v).some((t) => t.trim() !== ""), { message: "Write a system prompt or add a message", path: ["messages"], when: () => true })
    .refine((v: ContentLike) => texts(v).reduce((n, t) => n + t.length, 0) <= MAX_TOTAL_TEXT, {
      message: `The system prompt and messages may hold at most ${MAX_TOTAL_TEXT} characters together`,
      path: ["messages"],
      when: () => true,
    });
}

/** What a version holds as JSON: the template (a system prompt and messages with {{variables}}) and its parameters. */
export const promptContentSchema = withContentChecks(z.object(contentShape));

export type PromptContent = z.output<typeof promptContentSchema>;
export type PromptMessage = z.output<typeof promptMessageSchema>;
export type PromptParameters = PromptContent["parameters"];
export type ResponseFormat = z.output<typeof responseFormatSchema>;

/** A version's fields as the editor sends them: the content, the target endpoint and a note. */
const versionShape = {
  ...contentShape,
  endpoint: z.preprocess(blankToUndefined, endpointNameSchema.optional()).transform((v) => v ?? null),
  note: z.string({ error: "The note must be text" }).trim().max(500, "The note may hold at most 500 characters").refine(...storable("The note")).optional().default(""),
};

export const createPromptSchema = withContentChecks(
  z.object({
    // The console's page for a new prompt is /prompts/new, so no prompt could be shown under that name.
    name: promptNameSchema.refine((name) => name !== "new", "The name “new” is reserved; choose another"),
    description: z.string().trim().max(300, "Description must be at most 300 characters").refine(...storable("The description")).optional().default(""),
    ...versionShape,
  }),
);

/** A prompt's id as a form sends it; one that no id can be (a NUL, say) is refused here, not by the database. */
const promptIdSchema = z.string({ error: "Prompt is required" }).min(1, "Prompt is required").max(64, "No such prompt").regex(/^[\w-]+$/, "No such prompt");

export const savePromptVersionSchema = withContentChecks(z.object({ promptId: promptIdSchema, ...versionShape }));

/**
 * A version number, as a form or a URL gives it: decimal digits only, as the gateway takes it, so
 * that "0x10" or "1e3" is no version rather than version 16 or 1000.
 */
export const promptVersionNumberSchema = z.preprocess(
  (v) => (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
  z.number({ error: "Version must be a number" }).int("Version must be a whole number").min(1, "Versions count from 1").max(2_147_483_647, "No such version"),
);

export const restorePromptVersionSchema = z.object({ promptId: promptIdSchema, version: promptVersionNumberSchema });

export const deletePromptSchema = z.object({
  promptId: promptIdSchema,
  /** The prompt's name, typed again: applications fetching it get 404 from then on. */
  confirm: z.string({ error: "Type the prompt's name to confirm" }).trim().min(1, "Type the prompt's name to confirm"),
});

/** The variables a version's template uses, in order of first use. */
export function variablesOf(content: Pick<PromptContent, "system" | "messages">): string[] {
  return extractVariables([content.system, ...content.messages.map((m) => m.content)]);
}

/** The messages an application sends: the system prompt first, when there is one. */
export function templateMessages(content: Pick<PromptContent, "system" | "messages">): { role: "system" | "user" | "assistant"; content: string }[] {
  return [...(content.system.trim() ? [{ role: "system" as const, content: content.system }] : []), ...content.messages];
}
