import { z } from "zod";

export const acknowledgeAlertSchema = z.object({ alertId: z.string().min(1, "Alert is required").max(100) });

/** A webhook URL (http or https, at most 2,000 characters), or "" to stop webhook deliveries. */
export const setAlertWebhookSchema = z.object({
  url: z.union([
    z.literal("").transform(() => null),
    z
      .string()
      .trim()
      .max(2000, "The URL must be at most 2,000 characters")
      .pipe(z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// URL" })),
  ]),
});

/** "50, 80, 100": percentages of the monthly budget at which to alert, 1 to 1,000, at most 10. */
export const setBudgetAlertsSchema = z.object({
  percents: z
    .string()
    .trim()
    .max(100, "Too long")
    .transform((v, ctx) => {
      const parts = v === "" ? [] : v.split(/[\s,]+/).filter(Boolean);
      const numbers = parts.map(Number);
      if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
        ctx.addIssue({ code: "custom", message: "Enter whole percentages from 1 to 1000, separated by commas" });
        return z.NEVER;
      }
      const unique = [...new Set(numbers)].sort((a, b) => a - b);
      if (unique.length > 10) {
        ctx.addIssue({ code: "custom", message: "At most 10 thresholds" });
        return z.NEVER;
      }
      return unique;
    }),
});

/** A key's own monthly budget in USD ("" for none) and whether it refuses calls past it or only alerts. */
export const setKeyBudgetSchema = z.object({
  apiKeyId: z.string().min(1, "Key is required").max(100),
  monthlyBudgetUsd: z
    .union([z.literal("").transform(() => null), z.coerce.number({ error: "Enter an amount in USD" }).min(0.01, "The budget must be at least $0.01").max(10_000_000, "The budget is too high")])
    .transform((v) => (v === null ? null : Math.round(v * 100) / 100)),
  mode: z.enum(["SOFT", "HARD"], { error: "Choose whether the key is refused past its budget or only alerts" }),
});
