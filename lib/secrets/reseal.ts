import type { PrismaClient } from "@/lib/db/client";
import { currentSealPrefix, decryptSecret, encryptSecret, masterKeys, needsRotation, providerKeyBinding, type MasterKey } from "./secrets";

export type ResealResult = { resealed: number; failed: { tenantId: string; providerId: string; reason: string }[] };

/**
 * Re-seals every stored provider key that is unbound (v1) or sealed under an older master key
 * into the current format under the current key. Idempotent: a second run finds nothing to do.
 * Works in small batches, each one short transaction, and writes a row only if it still holds the
 * value that was read (a key replaced meanwhile in the console is left as the console wrote it).
 * A value that does not open (its key is gone, or it was altered or moved) is left alone and
 * reported, never logged with its content.
 */
export async function resealSecrets(prisma: PrismaClient, opts: { keys?: MasterKey[]; batchSize?: number } = {}): Promise<ResealResult> {
  const keys = opts.keys ?? masterKeys();
  const batchSize = opts.batchSize ?? 50;
  const result: ResealResult = { resealed: 0, failed: [] };
  let after = "";
  for (;;) {
    const rows = await prisma.provider.findMany({
      where: { id: { gt: after }, apiKeySealed: { not: null }, NOT: { apiKeySealed: { startsWith: currentSealPrefix(keys) } } },
      select: { id: true, tenantId: true, baseUrl: true, apiKeySealed: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) return result;
    after = rows[rows.length - 1].id;
    const updates = [];
    for (const row of rows) {
      const sealed = row.apiKeySealed!;
      if (!needsRotation(sealed, keys)) continue;
      try {
        const binding = providerKeyBinding(row);
        const resealed = encryptSecret(decryptSecret(sealed, binding, keys), binding, keys);
        updates.push(prisma.provider.updateMany({ where: { id: row.id, tenantId: row.tenantId, apiKeySealed: sealed }, data: { apiKeySealed: resealed } }));
      } catch (error) {
        result.failed.push({ tenantId: row.tenantId, providerId: row.id, reason: error instanceof Error ? error.message : "does not open" });
      }
    }
    if (updates.length > 0) {
      const done = await prisma.$transaction(updates);
      result.resealed += done.reduce((n, r) => n + r.count, 0);
    }
  }
}

/** What a re-seal at start-up should tell the operator, or null when there was nothing to do. */
export function resealNotice(result: ResealResult): string | null {
  const parts: string[] = [];
  if (result.resealed > 0) parts.push(`re-sealed ${result.resealed} provider key${result.resealed === 1 ? "" : "s"} under the current master key, bound to their rows`);
  if (result.failed.length > 0) {
    const ids = result.failed.map((f) => f.providerId).join(", ");
    parts.push(`${result.failed.length} stored provider key${result.failed.length === 1 ? "" : "s"} could not be opened (providers ${ids}); enter ${result.failed.length === 1 ? "it" : "them"} again in the console`);
  }
  return parts.length ? `secrets: ${parts.join("; ")}.` : null;
}
