import { z } from "zod";
import { endpointNameSchema } from "@/lib/endpoints/schemas";

const limit = (what: string) =>
  z
    .union([z.literal("").transform(() => null), z.coerce.number({ error: `${what} must be a whole number` }).int(`${what} must be a whole number`).min(1, `${what} must be at least 1`).max(10_000_000, `${what} is too high`)])
    .optional()
    .transform((v) => v ?? null);

export const createApiKeySchema = z.object({
  name: z.string().trim().min(2, "Name must be at least 2 characters").max(60, "Name must be at most 60 characters"),
  /** Endpoint names the key may call; none means every endpoint of the tenant. */
  allowedEndpoints: z
    .union([endpointNameSchema, z.array(endpointNameSchema)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? [...new Set(v)] : [v])),
  requestsPerMinute: limit("Requests per minute"),
  tokensPerMinute: limit("Tokens per minute"),
  expiresAt: z
    .union([z.literal("").transform(() => null), z.coerce.date({ error: "Enter a valid expiry date" })])
    .optional()
    .transform((v) => v ?? null)
    .refine((d) => d === null || d.getTime() > Date.now(), "The expiry must be in the future"),
});

export const revokeApiKeySchema = z.object({ apiKeyId: z.string().min(1, "Key is required") });
