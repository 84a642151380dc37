import path from "node:path";
import type { PrismaClient } from "@/lib/db/client";
import type { AuditInput } from "./record";
import { auditKeys, publicKeySpec } from "./signer";
import { verifyAuditChain, type ChainVerdict } from "./verify";
import { ProgressFeed, type OnVerifyProgress } from "./verify-progress";
import { verifyPrompts, type PromptVerdict } from "./verify-prompts";
import { verifyRequestRecords, type RequestVerdict } from "./verify-requests";
import { verifySettings, type SettingsVerdict } from "./verify-settings";

export type TrailsVerdict = {
  audit: ChainVerdict;
  requests: RequestVerdict;
  /** The live prompt library against the prompt events of the chain. */
  prompts: PromptVerdict;
  /** The tenant's content retention against the events that set it. */
  settings: SettingsVerdict;
  /** `keyId:base64` Ed25519 public keys that verify the signed heads offline (also in KEEL_HOME/audit-signing.pub). */
  publicKeys: string;
};

export type VerifyTrailsOptions = {
  anchorDir?: string | null;
  /** Told how far the run has come, part by part; a caller who joins a run under way first hears where it is. */
  onProgress?: OnVerifyProgress;
};

const running = new Map<string, { verdict: Promise<TrailsVerdict>; feed: ProgressFeed }>();

/**
 * Verifies a tenant's trails: the audit chain against Keel's signed heads, then the request records
 * against the seals in that chain, and the live prompt library against the chain's prompt events
 * (both only against events the chain vouched for, when it is intact), and the tenant's content
 * retention against the event that last set it.
 * Callers asking for the same tenant while a run is under way share it, and its progress: a run
 * reads every event and record (on the embedded database, in Keel's own thread), and an auditor's
 * repeated clicks or scripted requests must not multiply that.
 */
export function verifyTrails(prisma: PrismaClient, tenantId: string, opts: VerifyTrailsOptions = {}): Promise<TrailsVerdict> {
  const key = `${tenantId}\n${opts.anchorDir ?? ""}`;
  let run = running.get(key);
  if (!run) {
    const feed = new ProgressFeed();
    const verdict = verifyAll(prisma, tenantId, opts.anchorDir, feed.publish).finally(() => {
      running.delete(key);
      feed.close();
    });
    run = { verdict, feed };
    running.set(key, run);
  }
  if (opts.onProgress) run.feed.subscribe(opts.onProgress);
  return run.verdict;
}

async function verifyAll(prisma: PrismaClient, tenantId: string, anchorDir: string | null | undefined, onProgress: OnVerifyProgress): Promise<TrailsVerdict> {
  const audit = await verifyAuditChain(prisma, tenantId, { anchorDir, onProgress });
  const vouched = audit.ok ? { maxAuditSeq: audit.checked } : {};
  const requests = await verifyRequestRecords(prisma, tenantId, { ...vouched, onProgress });
  const prompts = await verifyPrompts(prisma, tenantId, { ...vouched, onProgress });
  const settings = await verifySettings(prisma, tenantId);
  return { audit, requests, prompts, settings, publicKeys: publicKeySpec(auditKeys()) };
}

export const VERIFIED_ACTION = "audit.verified";

/**
 * The event that puts a verification on record: whether each part held, how much it checked, and
 * the signed head the chain was checked against (its seq), so a later reader knows what was vouched for.
 */
export function verifiedEvent(verdict: TrailsVerdict): AuditInput {
  const { audit, requests, prompts, settings } = verdict;
  return {
    action: VERIFIED_ACTION,
    resourceType: "audit_trail",
    after: {
      ok: audit.ok && requests.ok && prompts.ok && settings.ok,
      audit: { ok: audit.ok, checked: audit.checked, headSeq: audit.signedHead?.seq ?? null, ...(audit.ok ? {} : { brokenAt: audit.broken.seq }) },
      requests: { ok: requests.ok, sealed: requests.sealed, seals: requests.seals, unsealed: requests.unsealed },
      prompts: { ok: prompts.ok, prompts: prompts.prompts, versions: prompts.versions },
      settings: { ok: settings.ok, contentRetentionDays: settings.contentRetentionDays },
    },
  };
}

/** Where this process's request sealer anchors signed heads: `$KEEL_HOME/heads` (server.ts passes the same home). */
export function headAnchorDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KEEL_HOME || ".keel", "heads");
}
