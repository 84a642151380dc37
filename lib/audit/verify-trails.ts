import path from "node:path";
import type { PrismaClient } from "@/lib/db/client";
import { auditKeys, publicKeySpec } from "./signer";
import { verifyAuditChain, type ChainVerdict } from "./verify";
import { verifyPrompts, type PromptVerdict } from "./verify-prompts";
import { verifyRequestRecords, type RequestVerdict } from "./verify-requests";

export type TrailsVerdict = {
  audit: ChainVerdict;
  requests: RequestVerdict;
  /** The live prompt library against the prompt events of the chain. */
  prompts: PromptVerdict;
  /** `keyId:base64` Ed25519 public keys that verify the signed heads offline (also in KEEL_HOME/audit-signing.pub). */
  publicKeys: string;
};

const running = new Map<string, Promise<TrailsVerdict>>();

/**
 * Verifies a tenant's trails: the audit chain against Keel's signed heads, then the request records
 * against the seals in that chain, and the live prompt library against the chain's prompt events
 * (both only against events the chain vouched for, when it is intact).
 * Callers asking for the same tenant while a run is under way share it: a run reads every event
 * and record (on the embedded database, in Keel's own thread), and an auditor's repeated clicks or
 * scripted requests must not multiply that.
 */
export function verifyTrails(prisma: PrismaClient, tenantId: string, opts: { anchorDir?: string | null } = {}): Promise<TrailsVerdict> {
  const key = `${tenantId}\n${opts.anchorDir ?? ""}`;
  let run = running.get(key);
  if (!run) {
    run = verifyAll(prisma, tenantId, opts).finally(() => running.delete(key));
    running.set(key, run);
  }
  return run;
}

async function verifyAll(prisma: PrismaClient, tenantId: string, opts: { anchorDir?: string | null }): Promise<TrailsVerdict> {
  const audit = await verifyAuditChain(prisma, tenantId, { anchorDir: opts.anchorDir });
  const vouched = audit.ok ? { maxAuditSeq: audit.checked } : {};
  const requests = await verifyRequestRecords(prisma, tenantId, vouched);
  const prompts = await verifyPrompts(prisma, tenantId, vouched);
  return { audit, requests, prompts, publicKeys: publicKeySpec(auditKeys()) };
}

/** Where this process's request sealer anchors signed heads: `$KEEL_HOME/heads` (server.ts passes the same home). */
export function headAnchorDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KEEL_HOME || ".keel", "heads");
}
