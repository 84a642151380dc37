import type { Role } from "@/lib/db/generated/enums";

export const ROLES = ["OWNER", "ADMIN", "DEVELOPER", "APPROVER", "AUDITOR", "VIEWER"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  DEVELOPER: "Developer",
  APPROVER: "Approver (compliance)",
  AUDITOR: "Auditor",
  VIEWER: "Viewer",
};

const ALL: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ["OWNER", "ADMIN"];
const BUILDERS: readonly Role[] = ["OWNER", "ADMIN", "DEVELOPER"];
const OVERSIGHT: readonly Role[] = ["OWNER", "ADMIN", "APPROVER", "AUDITOR"];

/**
 * The one table of who may do what in a tenant. Every action and route names one permission;
 * nothing checks roles directly.
 */
export const PERMISSIONS = {
  "tenant.read": { roles: ALL, label: "See the tenant's console" },
  "members.read": { roles: ALL, label: "See members and their roles" },
  "members.manage": { roles: MANAGERS, label: "Invite, change roles of and remove members" },
  "settings.manage": { roles: MANAGERS, label: "Change tenant settings" },
  "providers.manage": { roles: MANAGERS, label: "Manage provider credentials" },
  "endpoints.manage": { roles: BUILDERS, label: "Create and change model endpoints" },
  "prices.manage": { roles: MANAGERS, label: "Set the prices of model versions, which budgets are counted in" },
  "endpoints.try": { roles: BUILDERS, label: "Try endpoints from the console (recorded and billed like API calls)" },
  "keys.manage": { roles: BUILDERS, label: "Create and revoke API keys" },
  "prompts.manage": { roles: BUILDERS, label: "Save, restore and delete prompts in the library" },
  "finetune.launch": { roles: MANAGERS, label: "Launch and cancel fine-tuning jobs (billed by the provider, outside Keel's budgets)" },
  "evals.run": { roles: BUILDERS, label: "Import evaluation datasets and run evaluations (recorded and billed like API calls)" },
  "rollouts.approve": { roles: ["APPROVER"], label: "Approve or reject canary promotions" },
  "alerts.manage": { roles: BUILDERS, label: "Acknowledge monitoring alerts" },
  "audit.read": { roles: OVERSIGHT, label: "Read the audit trail" },
  "audit.verify": { roles: OVERSIGHT, label: "Verify and export the audit trail" },
} as const satisfies Record<string, { roles: readonly Role[]; label: string }>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether a role holds a permission. */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}
