import { z } from "zod";

const name = z
  .string()
  .trim()
  .min(2, "Name must be at least 2 characters")
  .max(60, "Name must be at most 60 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Name may hold letters, digits, spaces, dots, dashes and underscores");

const baseUrl = z
  .string()
  .trim()
  .pipe(z.url("Enter the provider's base URL, e.g. https://api.openai.com/v1"))
  .refine((u) => /^https?:\/\//.test(u), "The base URL must start with http:// or https://")
  // Credentials in the URL would be shown to every member and stored unsealed, and Keel never sends them.
  .refine((u) => !/^https?:\/\/[^/?#]*@/.test(u), "Leave credentials out of the URL; enter the key in the API key field")
  .transform((u) => u.replace(/\/+$/, ""));

/** An OpenAI-compatible provider; the built-in one is added by `addBuiltinProvider`. */
export const createProviderSchema = z.object({
  kind: z.literal("OPENAI_COMPATIBLE", { error: "Kind must be OPENAI_COMPATIBLE" }).default("OPENAI_COMPATIBLE"),
  name,
  baseUrl,
  apiKey: z.string().trim().max(4096, "The key is too long").optional().default(""),
});

export const updateProviderSchema = z.object({
  providerId: z.string().min(1, "Provider is required"),
  baseUrl: baseUrl.optional(),
  /** Empty keeps the stored key; a value replaces it. */
  apiKey: z.string().trim().max(4096, "The key is too long").optional().default(""),
  clearApiKey: z.coerce.boolean().optional().default(false),
});

export const addBuiltinProviderSchema = z.object({});

export const providerIdSchema = z.object({ providerId: z.string().min(1, "Provider is required") });
