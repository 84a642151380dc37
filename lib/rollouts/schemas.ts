import { z } from "zod";

const id = (what: string) => z.string().min(1, `${what} is required`).regex(/^[A-Za-z0-9_-]{1,100}$/, `${what} is not a valid id`);

/**
 * Requests read per side of a rollout's evidence: the newest in the window (lib/rollouts/evidence.ts).
 * Enough for every test the guard makes, and cheap enough to read every check on the embedded
 * database, which shares its one connection with the record writer.
 */
export const ARM_SAMPLE = 5_000;
/** The first step is taken without an approval, so it may send at most half the traffic. */
export const MAX_FIRST_STEP_BP = 5_000;
const blankToUndefined = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

/**
 * "1, 10, 50": the candidate's share of traffic at each step, in percent (0.01 to 100, two decimals
 * at most), strictly rising, at most 10 steps. Stored in basis points. Production comes after the
 * last step, by one more approval.
 */
const stepsField = z
  .string({ error: "Enter the steps, e.g. 1, 10, 50" })
  .trim()
  .max(100, "Too long")
  .transform((text, ctx) => {
    const parts = text.split(/[\s,%]+/).filter(Boolean);
    const bps = parts.map((p) => Math.round(Number(p) * 100));
    if (parts.length === 0 || parts.length > 10) {
      ctx.addIssue({ code: "custom", message: "Enter 1 to 10 steps in percent, e.g. 1, 10, 50" });
      return z.NEVER;
    }
    if (parts.some((p, i) => !/^\d+(\.\d{1,2})?$/.test(p) || bps[i] < 1 || bps[i] > 10_000)) {
      ctx.addIssue({ code: "custom", message: "Each step is a percentage from 0.01 to 100, with two decimals at most" });
      return z.NEVER;
    }
    if (bps[0] > MAX_FIRST_STEP_BP) {
      ctx.addIssue({ code: "custom", message: "The first step starts without an approval: it may send at most 50 %" });
      return z.NEVER;
    }
    if (bps.some((bp, i) => i > 0 && bp <= bps[i - 1])) {
      ctx.addIssue({ code: "custom", message: "Each step must send more traffic than the one before" });
      return z.NEVER;
    }
    return bps;
  });

/** A number field; `what` reads mid-sentence ("the cost ratio"). */
const number = (what: string, min: number, max: number) => {
  const What = what[0].toUpperCase() + what.slice(1);
  return z.preprocess(blankToUndefined, z.coerce.number({ error: `Enter ${what}` }).min(min, `${What} must be at least ${min}`).max(max, `${What} must be at most ${max}`));
};

/**
 * When the guard rolls back, each compared with the baseline over the step's window once the
 * candidate has answered `minRequests` requests there: the error rate higher by more than
 * `maxErrorRateIncrease` percentage points, p95 latency or cost per request more than the ratio
 * times the baseline's (each also significant, p < 0.05), a drift alert raised on the candidate, or
 * an evaluation of the candidate since the rollout began scoring more than `maxEvalScoreDrop` below
 * the baseline's newest on the same dataset (with its 95 % interval wholly below it).
 */
export const guardsSchema = z.object({
  maxErrorRateIncrease: number("the error-rate increase", 0, 100).default(2),
  maxLatencyRatio: number("the p95 latency ratio", 1, 100).default(1.5),
  maxCostRatio: number("the cost ratio", 1, 100).default(1.5),
  minRequests: number("the minimum number of requests", 1, ARM_SAMPLE).pipe(z.number().int("Enter a whole number of requests")).default(50),
  drift: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(true),
  maxEvalScoreDrop: number("the evaluation score drop", 0, 1).default(0.05),
});

export type Guards = z.infer<typeof guardsSchema>;

/** A stored rollout's guards; a row no longer valid (written by hand, or before a rule tightened) gets the defaults. */
export const guardsOf = (stored: unknown): Guards => guardsSchema.safeParse(stored).data ?? guardsSchema.parse({});

export const startRolloutSchema = z.object({
  endpointId: id("Endpoint"),
  candidateVersionId: id("Candidate version"),
  steps: stepsField,
  stickiness: z.enum(["KEY", "USER"], { error: "Stickiness must be KEY or USER" }),
  burnInMinutes: number("the burn-in in minutes", 0, 10_080).pipe(z.number().int("Enter whole minutes")),
  guards: guardsSchema,
});

/** An approver's decision on the rollout's next promotion; the comment is required either way. */
export const decideRolloutSchema = z.object({
  rolloutId: id("Rollout"),
  /** The promotion the approver was shown; a decision on a rollout that has moved on since is refused. */
  toStep: z.coerce.number().int().min(1).max(10).optional(),
  verdict: z.enum(["APPROVED", "REJECTED"], { error: "Decide APPROVED or REJECTED" }),
  comment: z.string().trim().min(1, "Say why, for the audit trail").max(2_000, "The comment must be at most 2,000 characters"),
});

export const cancelRolloutSchema = z.object({
  rolloutId: id("Rollout"),
  comment: z.string().trim().max(2_000, "The comment must be at most 2,000 characters").optional().default(""),
});

/** The tenant's rule: 1 or 2 approvers for each promotion. */
export const setRolloutApprovalsSchema = z.object({
  approvals: z.coerce.number({ error: "Choose 1 or 2 approvers" }).int().min(1, "Choose 1 or 2 approvers").max(2, "Choose 1 or 2 approvers"),
});

/**
 * The tenant's gate: the dataset every promotion's candidate must be evaluated on, and the mean
 * score (0–1) it needs; both empty for none.
 */
export const setRolloutGateSchema = z
  .object({
    minScore: z.preprocess(
      (v) => (typeof v === "string" ? v.trim() : v),
      z.union([
        z.literal("").transform(() => null),
        z.coerce.number({ error: "Enter a score from 0 to 1, or leave it empty" }).min(0, "Enter a score from 0 to 1").max(1, "Enter a score from 0 to 1"),
      ]),
    ),
    datasetId: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "Pick a dataset").optional()),
  })
  .superRefine((v, ctx) => {
    if (v.minScore !== null && !v.datasetId) ctx.addIssue({ code: "custom", path: ["datasetId"], message: "Pick the dataset the candidate must be evaluated on" });
    if (v.minScore === null && v.datasetId) ctx.addIssue({ code: "custom", path: ["minScore"], message: "Enter the score it must reach" });
  });

/** "1 %", "0.5 %", "100 %". */
export const percentText = (bp: number) => `${(bp / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
