import { z } from "zod";
import { MAX_TRAINING_CHARS } from "./training";

const id = (what: string) => z.string().min(1, `${what} is required`).regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} is not a valid id`);

/** OpenAI's fine-tuning hyperparameters, bounded: a job's cost grows with them, outside Keel's budgets. */
const hyperparametersSchema = z
  .object({
    n_epochs: z.number().int().min(1).max(50),
    batch_size: z.number().int().min(1).max(256),
    learning_rate_multiplier: z.number().gt(0).max(10),
  })
  .partial()
  .strict();

export const launchFineTuneSchema = z.object({
  providerId: id("Provider"),
  endpointId: id("Endpoint"),
  baseModel: z.string().trim().min(1, "Enter the provider's base model id").max(200, "Model id is too long"),
  suffix: z.string().trim().max(40, "Suffix must be at most 40 characters").regex(/^[a-z0-9-]*$/, "Suffix may hold lowercase letters, digits and dashes").optional().default(""),
  trainingName: z.string().trim().min(1, "Name the training file").max(200, "Name is too long"),
  training: z.string({ error: "Choose a training file" }).min(1, "Choose a training file").max(MAX_TRAINING_CHARS, "The file is too large"),
  hyperparameters: z
    .string()
    .trim()
    .max(2_000)
    .optional()
    .default("")
    .transform((raw, ctx) => {
      if (!raw) return null;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      const parsed = hyperparametersSchema.safeParse(value);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: 'Hyperparameters are a JSON object of n_epochs (1–50), batch_size (1–256) and learning_rate_multiplier (0–10), e.g. {"n_epochs": 3}' });
      return z.NEVER;
    }),
});

export const cancelFineTuneSchema = z.object({ jobId: id("Job") });
