import { z } from "zod";
import { MAX_DATASET_CHARS } from "./dataset";
import { SCORERS } from "./scorers";

const id = (what: string) => z.string().min(1, `${what} is required`).regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} is not a valid id`);

export const datasetNameSchema = z
  .string()
  .trim()
  .min(2, "Name must be at least 2 characters")
  .max(64, "Name must be at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Name may hold lowercase letters, digits, dots, dashes and underscores");

export const importDatasetSchema = z.object({
  name: datasetNameSchema,
  description: z.string().trim().max(300, "Description must be at most 300 characters").optional().default(""),
  format: z.enum(["jsonl", "csv"], { error: "Format must be jsonl or csv" }),
  content: z.string({ error: "Choose a file or paste the cases" }).min(1, "Choose a file or paste the cases").max(MAX_DATASET_CHARS, "The file is larger than 5,000,000 characters"),
});

const blankToUndefined = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

export const startEvalRunSchema = z.object({
  datasetId: id("Dataset"),
  endpointId: id("Endpoint"),
  versionId: id("Version"),
  scorer: z.enum(SCORERS, { error: "Pick a scorer" }),
  passAt: z.preprocess(blankToUndefined, z.coerce.number({ error: "Enter a score from 0 to 1" }).min(0, "Enter a score from 0 to 1").max(1, "Enter a score from 0 to 1").optional()),
  judgeEndpoint: z.preprocess(blankToUndefined, z.string().trim().max(64).optional()),
});

export const cancelEvalRunSchema = z.object({ runId: id("Run") });
