import "server-only";
import { db } from "@/lib/db/client";
import { readRecordsById } from "../record-rows";
import { canonicalRecord, recordLeaf } from "../request-record-hash";
import { EXPORT_ACTION, exportChange, headsOf, type ExportClaim } from "./export";
import type { ExportChange } from "./format";

export const MANIFEST_TYPE = "keel-audit-export-manifest";
export const MANIFEST_VERSION = 1;

/** The manifest's lines, in order: the export's own event, one line per seal, the chain's signed head. */
export type ManifestHeader = { type: typeof MANIFEST_TYPE; version: number; export: ExportChange };
export type ManifestSeal = { type: "seal"; seq: number; event: ExportChange; leaves: string[] };
export type ManifestHead = { type: "head"; tenantId: string; seq: number; hash: string; keyId: string; signature: string; signedAt: string };

/** Ids read per query while computing a seal's leaves. */
const CHUNK = 5000;

/**
 * The manifest of an export, as JSON lines, one seal at a time (memory holds at most one seal's
 * leaves): the export's `audit.exported` event with its signed head (the file's digest and row
 * count), then for each seal that covers the export's request rows its signed event and the leaves
 * of every record it lists, in its order, and last the tenant's newest signed head. With the
 * public key alone, `npm run audit:verify` checks the file against it. Null when the tenant has no
 * such export.
 */
export async function manifestLines(tenantId: string, exportSeq: number): Promise<{ lines: AsyncGenerator<string>; claim: ExportClaim } | null> {
  const event = await readEvent(tenantId, exportSeq);
  if (!event || event.action !== EXPORT_ACTION) return null;
  const claim = event.after as ExportClaim;
  const lines = (async function* () {
    const header: ManifestHeader = { type: MANIFEST_TYPE, version: MANIFEST_VERSION, export: event };
    yield `${JSON.stringify(header)}\n`;
    for (const seq of claim.seals ?? []) {
      const seal = await db().requestSeal.findUnique({ where: { tenantId_seq: { tenantId, seq } }, select: { auditSeq: true, recordIds: true } });
      const sealEvent = seal ? await readEvent(tenantId, seal.auditSeq) : null;
      // A seal that is gone stays out: the verifier names the rows it covered.
      if (!seal || !sealEvent) continue;
      const line: ManifestSeal = { type: "seal", seq, event: sealEvent, leaves: await leavesOf(tenantId, seal.recordIds) };
      yield `${JSON.stringify(line)}\n`;
    }
    const newest = await db().auditHead.findFirst({ where: { tenantId }, orderBy: { seq: "desc" } });
    if (newest) {
      const head: ManifestHead = {
        type: "head", tenantId, seq: newest.seq, hash: newest.hash, keyId: newest.keyId, signature: newest.signature, signedAt: newest.signedAt.toISOString(),
      };
      yield `${JSON.stringify(head)}\n`;
    }
  })();
  return { lines, claim };
}

async function readEvent(tenantId: string, seq: number): Promise<ExportChange | null> {
  const e = await db().auditEvent.findUnique({ where: { tenantId_seq: { tenantId, seq } } });
  if (!e) return null;
  const heads = await headsOf(tenantId, [seq]);
  return exportChange(e, heads.get(seq) ?? null);
}

/** The Merkle leaves of the listed records, in the seal's order; a record that is gone leaves an empty leaf, which no root accepts. */
async function leavesOf(tenantId: string, ids: string[]): Promise<string[]> {
  const leaves = new Map<string, string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const r of await readRecordsById(db(), tenantId, ids.slice(i, i + CHUNK))) leaves.set(r.id, recordLeaf(canonicalRecord(r)).toString("hex"));
  }
  return ids.map((id) => leaves.get(id) ?? "");
}
