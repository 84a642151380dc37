import { z } from "zod";

/** What API callers send as `model`. */
export const endpointNameSchema = z
  .string()
  .trim()
  .min(2, "Name must be at least 2 characters")
  .max(64, "Name must be at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._:-]*$/, "Name may hold lowercase letters, digits, dots, colons, dashes and underscores");

const blankToUndefined = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);
const priceNumber = z.coerce
  .number({ error: "Enter a price in USD per million tokens" })
  .min(0, "Price cannot be negative")
  .max(100_000, "Price is too high");
/** A price a form may leave empty, and then it is not set (see the endpoint actions for what a new version gets). */
const optionalPrice = z.preprocess(blankToUndefined, priceNumber.optional());
const requiredPrice = z.preprocess(blankToUndefined, priceNumber);

const paramsJson = z
  .string()
  .trim()
  .optional()
  .default("")
  .transform((text, ctx) => {
    if (!text) return {};
    try {
      const value = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: 'Default parameters must be a JSON object, e.g. {"temperature": 0.2}' });
    return z.NEVER;
  });

export const versionFields = {
  label: z.string().trim().min(1, "Label is required").max(40, "Label must be at most 40 characters"),
  providerId: z.string().min(1, "Pick a provider"),
  providerModel: z.string().trim().min(1, "Enter the provider's model id").max(200, "Model id is too long"),
  params: paramsJson,
  inputPricePerMTok: optionalPrice,
  outputPricePerMTok: optionalPrice,
};

export const createEndpointSchema = z.object({
  name: endpointNameSchema,
  kind: z.enum(["CHAT", "EMBEDDINGS"], { error: "Kind must be CHAT or EMBEDDINGS" }),
  description: z.string().trim().max(300, "Description must be at most 300 characters").optional().default(""),
  ...versionFields,
});

export const addVersionSchema = z.object({
  endpointId: z.string().min(1, "Endpoint is required"),
  activate: z.coerce.boolean().optional().default(false),
  ...versionFields,
});

/** A manager's prices for a version; a version someone without prices.manage added waits for these. */
export const setVersionPricesSchema = z.object({
  endpointId: z.string().min(1, "Endpoint is required"),
  versionId: z.string().min(1, "Version is required"),
  inputPricePerMTok: requiredPrice,
  outputPricePerMTok: requiredPrice,
});

export const activateVersionSchema = z.object({ endpointId: z.string().min(1), versionId: z.string().min(1, "Version is required") });

export const updateEndpointSchema = z.object({
  endpointId: z.string().min(1, "Endpoint is required"),
  description: z.string().trim().max(300, "Description must be at most 300 characters").optional().default(""),
  enabled: z.enum(["true", "false"], { error: "Enabled must be true or false" }).transform((v) => v === "true").optional(),
});

/** How many versions may stand behind the active one. */
export const MAX_FALLBACKS = 3;

export const setFallbackVersionsSchema = z.object({
  endpointId: z.string().min(1, "Endpoint is required"),
  // A form posts one select per place: a repeated name, a lone string, or nothing; an empty
  // place ("none") is left out and the places after it move up.
  versionIds: z.preprocess(
    (value) => (value === undefined || value === null ? [] : [value].flat().filter((id) => id !== "")),
    z
      .array(z.string({ error: "Each fallback must be a version id" }).min(1).max(64, "That is not a version id"))
      .max(MAX_FALLBACKS, `Choose at most ${MAX_FALLBACKS} fallback versions`)
      .refine((ids) => new Set(ids).size === ids.length, "Choose each version at most once"),
  ),
});
