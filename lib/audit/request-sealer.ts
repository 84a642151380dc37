import path from "node:path";
import { setImmediate as yieldToRequests } from "node:timers/promises";
import type { Database } from "@/lib/db/client";
import { watchCommittedRecords } from "./committed-records";
import { HeadAnchors } from "./head-anchor";
import { sealTenantRequests, tenantsWithUnsealedRecords, type LeafCache, type SealOptions } from "./seal-requests";
import { auditKeys, publicKeysOf, writeAuditPublicKeys } from "./signer";

/** Leaves kept for records not yet sealed; past this the oldest go, and are read back when sealed. */
const MAX_CACHED_LEAVES = 100_000;

export type RequestSealerOptions = Omit<SealOptions, "leaves"> & {
  /** Seal every tenant with unsealed records this often (60 s), and move the head anchors. */
  intervalMs?: number;
  /** Seal early once this process has committed this many records since the last run (2000). */
  pendingThreshold?: number;
  /** KEEL_HOME: the public keys go to audit-signing.pub, the head anchors to heads/. Null writes no files. */
  home?: string | null;
};

/**
 * Keeps the trails sealed, off the request path: once a minute for every tenant with unsealed
 * records (found in the database, so records of other instances and of before a restart count),
 * and early when this process's record writer has committed `pendingThreshold` records, for the
 * tenants it wrote. One run at a time; each seal is its own short transaction, so the embedded
 * database's one connection is never held for long.
 */
export class RequestSealer {
  private readonly opts: Required<Omit<RequestSealerOptions, "home">>;
  private readonly anchors: HeadAnchors | null;
  private readonly pendingTenants = new Set<string>();
  private readonly leaves: LeafCache = new Map();
  private pendingCount = 0;
  private running: Promise<void> | null = null;
  private queued: "all" | "pending" | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly database: Pick<Database, "prisma" | "pool">,
    opts: RequestSealerOptions = {},
  ) {
    this.opts = {
      intervalMs: opts.intervalMs ?? 60_000, pendingThreshold: opts.pendingThreshold ?? 2000, batchSize: opts.batchSize ?? 5000,
      marginMs: opts.marginMs ?? 1000, stallLimitMs: opts.stallLimitMs ?? 5 * 60_000,
    };
    const keys = opts.home ? auditKeys() : null;
    if (opts.home && keys) {
      try {
        writeAuditPublicKeys(opts.home, keys);
      } catch (error) {
        console.warn(`[audit] could not write the public key to ${opts.home}: ${(error as Error).message}`);
      }
    }
    this.anchors = opts.home && keys ? new HeadAnchors(path.join(opts.home, "heads"), publicKeysOf(keys)) : null;
  }

  start(): void {
    this.unwatch = watchCommittedRecords((rows) => {
      for (const row of rows) {
        this.pendingTenants.add(row.tenantId);
        this.leaves.set(row.id, { mac: row.mac, leaf: row.leaf });
      }
      // Records another instance sealed (or that never got sealed here) would stay forever.
      if (this.leaves.size > MAX_CACHED_LEAVES) {
        for (const id of this.leaves.keys()) {
          this.leaves.delete(id);
          if (this.leaves.size <= MAX_CACHED_LEAVES * 0.9) break;
        }
      }
      this.pendingCount += rows.length;
      if (this.pendingCount >= this.opts.pendingThreshold) this.kick("pending");
    });
    this.timer = setInterval(() => this.kick("all"), this.opts.intervalMs);
    this.timer.unref();
    this.kick("all");
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unwatch?.();
    await this.running;
  }

  /** Runs a full pass now (tests, and anyone who wants the seals current). */
  async sealAll(): Promise<void> {
    this.kick("all");
    while (this.running) await this.running;
  }

  private kick(scope: "all" | "pending") {
    if (this.stopped) return;
    if (this.running) {
      this.queued = scope === "all" || this.queued === "all" ? "all" : "pending";
      return;
    }
    this.running = this.run(scope)
      .catch((error: unknown) => console.error("[audit] sealing request records failed:", error))
      .finally(() => {
        this.running = null;
        const next = this.queued;
        this.queued = null;
        if (next) this.kick(next);
      });
  }

  private async run(scope: "all" | "pending") {
    const tenants = scope === "all" ? await tenantsWithUnsealedRecords(this.database.prisma) : [...this.pendingTenants];
    this.pendingTenants.clear();
    this.pendingCount = 0;
    for (const tenantId of tenants) {
      // One tenant whose chain someone broke must not leave every other tenant unsealed and unanchored.
      try {
        while (!this.stopped) {
          const seal = await sealTenantRequests(this.database.pool, tenantId, { ...this.opts, leaves: this.leaves });
          for (const id of seal?.recordIds ?? []) this.leaves.delete(id);
          if (!seal || seal.count < this.opts.batchSize) break;
          await yieldToRequests();
        }
      } catch (error) {
        console.error(`[audit] sealing tenant ${tenantId}'s request records failed (run Verify chain there):`, error);
      }
      await yieldToRequests();
    }
    if (scope === "all" && this.anchors && !this.stopped) await this.anchors.update(this.database.prisma);
  }
}
