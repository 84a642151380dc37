import { setImmediate as yieldToRequests } from "node:timers/promises";
import type pg from "pg";

// PostgreSQL's DELETE has no LIMIT: a batch is the ids a LIMITed SELECT finds, through the expiresAt index.
const PURGE_SQL = `
  DELETE FROM "RequestContent" WHERE "id" IN (
    SELECT "id" FROM "RequestContent" WHERE "expiresAt" <= $1 LIMIT $2
  )`;

/**
 * Deletes every tenant's request content whose retention has run out, `batch` rows per statement,
 * giving way to other queries between statements (the embedded database has one connection).
 * Returns how many rows went. The request records, their MACs and seals never held the content,
 * so they stay valid. `stopped` ends the work between two batches.
 */
export async function purgeExpiredContent(
  pool: Pick<pg.Pool, "query">,
  now = new Date(),
  batch = 1000,
  stopped: () => boolean = () => false,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query({ name: "keel_purge_request_content", text: PURGE_SQL, values: [now, batch] });
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch || stopped()) return total;
    await yieldToRequests();
  }
}

/**
 * Purges expired request content every minute, off the request path; started and stopped by
 * server.ts beside the request sealer. One run at a time; `stop` waits for a run in progress.
 */
export class ContentPurger {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly pool: Pick<pg.Pool, "query">,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private kick() {
    if (this.stopped || this.running) return;
    this.running = purgeExpiredContent(this.pool, new Date(), 1000, () => this.stopped)
      .then((n) => {
        if (n > 0) console.log(`[privacy] purged the content of ${n} request(s) past their retention`);
      })
      .catch((error: unknown) => console.error("[privacy] purging expired request content failed:", error))
      .finally(() => (this.running = null));
  }
}
