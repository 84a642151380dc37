import { can, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/db/generated/enums";

/**
 * Permissions that only read: all a suspended tenant's members may still use, and all the
 * platform admin may use on a read-only visit to a tenant they are not a member of.
 */
export const READ_PERMISSIONS: readonly Permission[] = ["tenant.read", "members.read", "audit.read", "audit.verify"];

/**
 * Whether a page should offer what a permission allows: the role must hold it, and a read-only
 * visit offers reads only. Pages decide with this; actions and routes check again on their own.
 */
export function scopeCan(scope: { role: Role; readOnly: boolean }, permission: Permission): boolean {
  return can(scope.role, permission) && (!scope.readOnly || READ_PERMISSIONS.includes(permission));
}
