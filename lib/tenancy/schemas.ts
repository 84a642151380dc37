import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";

const email = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(254));

export const roleSchema = z.enum(ROLES, { error: `Role must be one of ${ROLES.join(", ")}` });

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Slug must be at least 2 characters")
  .max(40, "Slug must be at most 40 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Slug may hold lowercase letters, digits and inner hyphens")
  .refine((s) => !["admin", "api", "new", "settings"].includes(s), "That slug is reserved");

export const createTenantSchema = z.object({
  name: z.string().trim().min(2, "Name must be at least 2 characters").max(80, "Name must be at most 80 characters"),
  slug: slugSchema,
  ownerEmail: email,
});

export const setTenantStatusSchema = z.object({
  tenantId: z.string().min(1, "Tenant is required"),
  status: z.enum(["ACTIVE", "SUSPENDED"], { error: "Status must be ACTIVE or SUSPENDED" }),
});

export const inviteMemberSchema = z.object({ email, role: roleSchema });

export const changeRoleSchema = z.object({
  membershipId: z.string().min(1, "Member is required"),
  role: roleSchema,
});

export const removeMemberSchema = z.object({ membershipId: z.string().min(1, "Member is required") });

export const passwordSchema = z
  .string()
  .min(12, "Password must be at least 12 characters")
  .max(200, "Password must be at most 200 characters");

export const acceptInvitationSchema = z
  .object({
    token: z.string().min(20, "The link is incomplete"),
    name: z.string().trim().min(1, "Enter your name").max(80, "Name must be at most 80 characters"),
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "Passwords do not match" });

export const setBudgetSchema = z.object({
  monthlyBudgetUsd: z
    .union([
      z.literal("").transform(() => null),
      z.coerce.number({ error: "Enter an amount in USD" }).min(0, "The budget cannot be negative").max(10_000_000, "The budget is too high"),
    ])
    .transform((v) => (v === null ? null : Math.round(v * 100) / 100)),
});

/** Most days a tenant may keep request content: ten years. */
export const MAX_CONTENT_RETENTION_DAYS = 3650;

/**
 * What the gateway stores of each request: input hashes only (the default), or the prompt and the
 * response, redacted, for 1 to 3650 days. The days are read only when content is kept.
 */
export const setContentRetentionSchema = z.object({
  mode: z.enum(["hashes", "content"], { error: "Choose what Keel stores of each request" }),
  contentRetentionDays: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce
      .number({ error: "Enter a whole number of days" })
      .int("Enter a whole number of days")
      .min(1, "Keep content for at least 1 day")
      .max(MAX_CONTENT_RETENTION_DAYS, `Keep content for at most ${MAX_CONTENT_RETENTION_DAYS} days`)
      .optional(),
  ),
});

export const changePasswordSchema = z
  .object({
    current: z.string().min(1, "Enter your current password").max(200, "Password must be at most 200 characters"),
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "Passwords do not match" })
  .refine((v) => v.password !== v.current, { path: ["password"], message: "Choose a password other than the current one" });
