import { db } from "@/lib/db/client";

/** How long a counted fetch may wait before it is written: Prompt.fetchCount is at most this far behind. */
const FLUSH_AFTER_MS = 1_000;

/**
 * Counts prompt fetches without a write per request: fetches are added up in memory and written
 * together, one statement for every prompt fetched since the last write, after the responses that
 * caused them. `flush` writes what is pending (the gateway calls it on close).
 */
export class PromptFetches {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private warned = false;

  /** Notes one fetch of the prompt. */
  count(promptId: string): void {
    this.pending.set(promptId, (this.pending.get(promptId) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes the pending counts now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) this.writing = this.writing.then(() => this.write(batch));
    await this.writing;
  }

  private async write(batch: Map<string, number>): Promise<void> {
    try {
      await addFetchCounts(batch);
      this.warned = false;
    } catch (error) {
      // One statement: it either added every count or none, so they go back to be written next time.
      if (!this.warned) console.error("[gateway] could not add prompt fetch counts; retrying:", error);
      this.warned = true;
      for (const [id, n] of batch) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
    }
  }
}

/**
 * Adds the counts in one statement. Raw SQL, not Prisma's update: that would also move the
 * prompt's updatedAt, and a fetch is no change to the prompt. A deleted prompt's count goes nowhere.
 */
async function addFetchCounts(batch: Map<string, number>): Promise<void> {
  const ids = [...batch.keys()];
  const counts = [...batch.values()];
  await db().$executeRaw`
    UPDATE "Prompt" AS p SET "fetchCount" = LEAST(p."fetchCount"::int8 + c.n, 2147483647)
    FROM unnest(${ids}::text[], ${counts}::int4[]) AS c(id, n)
    WHERE p."id" = c.id`;
}
