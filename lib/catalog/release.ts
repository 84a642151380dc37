import type { Tx } from "@/lib/db/client";
import { ActionError } from "@/lib/tenancy/result";

/**
 * Marks versions released the first time they may serve (made active, a fallback, or a rollout's
 * candidate): from then on their catalog entry and model card are fixed, and a change is a new
 * version. Called in the transaction that lets them serve.
 */
export async function markReleased(tx: Tx, tenantId: string, versionIds: string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await tx.modelVersion.updateMany({ where: { tenantId, id: { in: versionIds }, releasedAt: null }, data: { releasedAt: new Date() } });
}

/** Refuses to let retired versions serve again, naming them. */
export function requireNotRetired(versions: { label: string; retiredAt: Date | null }[], field?: string): void {
  const retired = versions.filter((v) => v.retiredAt !== null).map((v) => v.label);
  if (retired.length === 0) return;
  const message = `${retired.join(", ")} ${retired.length === 1 ? "is" : "are"} retired and may not serve again; add a new version instead.`;
  throw new ActionError(message, "invalid", field ? { [field]: [message] } : undefined);
}
