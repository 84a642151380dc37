import { z } from "zod";

const id = (what: string) => z.string().min(1, `${what} is required`).regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} is not a valid id`);
const text = (label: string, max: number) => z.string().trim().max(max, `${label} must be at most ${max.toLocaleString("en-US")} characters`).optional().default("");

const hyperparametersJson = z
  .string()
  .trim()
  .max(10_000, "Hyperparameters must be at most 10,000 characters")
  .optional()
  .default("")
  .transform((raw, ctx) => {
    if (!raw) return null;
    try {
      const value = JSON.parse(raw);
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: 'Hyperparameters must be a JSON object, e.g. {"epochs": 3, "learning_rate": 0.0002}' });
    return z.NEVER;
  });

/** A draft version's catalog entry: where it came from and its model card. Empty fields clear. */
export const updateVersionCardSchema = z.object({
  versionId: id("Version"),
  artifactDigest: text("The artifact digest", 200).pipe(z.string().regex(/^$|^[A-Za-z0-9]+:[A-Za-z0-9+/=._-]{8,}$/, "Give the digest as algorithm:value, e.g. sha256:3f2a…")),
  baseModel: text("The base model", 200),
  datasetName: text("The dataset name", 200),
  datasetUri: text("The dataset URI", 2_000),
  datasetHash: text("The dataset hash", 200),
  hyperparameters: hyperparametersJson,
  fineTuneJobId: text("The fine-tune job id", 200),
  ownerId: z.string().trim().max(100).optional().default(""),
  intendedUse: text("Intended use", 4_000),
  limitations: text("Limitations", 4_000),
  risks: text("Risks", 4_000),
});

export const retireVersionSchema = z.object({ versionId: id("Version") });
