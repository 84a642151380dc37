import { z } from "zod";

const date = z.union([z.literal("").transform(() => null), z.iso.date({ error: "Enter a date as YYYY-MM-DD" }).transform((d) => new Date(`${d}T00:00:00Z`))]);

/** A version's drift reference: whole UTC days from `from` through `to`, or both empty for its first three days. */
export const setDriftReferenceSchema = z
  .object({ endpointId: z.string().min(1).max(100), versionId: z.string().min(1, "Version is required").max(100), from: date, to: date })
  .superRefine((v, ctx) => {
    if ((v.from === null) !== (v.to === null)) ctx.addIssue({ code: "custom", path: [v.from ? "to" : "from"], message: "Give both days, or neither to use the first three days" });
    if (v.from && v.to && v.to < v.from) ctx.addIssue({ code: "custom", path: ["to"], message: "The last day comes on or after the first" });
    if (v.to && v.to.getTime() > Date.now()) ctx.addIssue({ code: "custom", path: ["to"], message: "The reference must lie in the past" });
    if (v.from && v.to && v.to.getTime() - v.from.getTime() > 90 * 86_400_000) ctx.addIssue({ code: "custom", path: ["to"], message: "At most 90 days" });
  });
