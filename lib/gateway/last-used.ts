import { db } from "@/lib/db/client";

const EVERY_MS = 60_000;

/**
 * Keeps ApiKey.lastUsedAt roughly current without a write per request: each key is marked at most
 * once a minute, and marks are written together, after the responses that caused them.
 */
export class LastUsed {
  private readonly markedAt = new Map<string, number>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** Notes that a key was used now. */
  touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.markedAt.get(keyId) ?? 0) < EVERY_MS) return;
    this.markedAt.set(keyId, now);
    this.pending.add(keyId);
    this.timer ??= setTimeout(() => void this.flush(), 1000).unref();
  }

  /** Writes the pending marks now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = [...this.pending];
    this.pending = new Set();
    if (ids.length > 0) {
      this.writing = this.writing
        .then(() => db().apiKey.updateMany({ where: { id: { in: ids } }, data: { lastUsedAt: new Date() } }))
        .then(
          () => {},
          (error: unknown) => console.error("[gateway] could not update API keys' lastUsedAt:", error),
        );
    }
    await this.writing;
    if (this.markedAt.size > 50_000) this.markedAt.clear();
  }
}
