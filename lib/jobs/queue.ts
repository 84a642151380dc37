import PgBoss from "pg-boss";
import pg from "pg";

/** A kind of background work: its queue's name, how it retries, and what one job does. */
export type JobKind<T extends object = object> = {
  name: string;
  /** Attempts after the first, with exponential backoff from `retryDelaySeconds`. */
  retryLimit: number;
  retryDelaySeconds: number;
  /** A job still active after this long is taken for dead (its process was killed) and retried. */
  expireInSeconds: number;
  /** `short`: while one job waits, sending another adds nothing (a nudge, not a list of work). */
  policy: "standard" | "short";
  /** How often an idle worker looks for jobs. */
  pollingIntervalSeconds: number;
  /** Jobs this process runs at once (1): each is a worker of its own, so a slow job holds one of them only. */
  concurrency?: number;
  run: (data: T) => Promise<void>;
};

/**
 * Keel's background work, on pg-boss in the database Keel already has. Why pg-boss: it takes its
 * connection from Keel through its `db` option, so it shares the embedded database's one
 * connection (graphile-worker's runner needs two or more, and with one it ran no job: measured),
 * and it polls, so it needs no LISTEN. Jobs live in the `pgboss` schema, which Keel's migrations
 * leave alone; pg-boss creates and upgrades it on start.
 *
 * On the embedded database, whose one connection every query shares: send jobs in batches
 * (`insert`) rather than in bursts of `send`; a handler's own transaction is held on that
 * connection, so keep each short; and never give pg-boss a connection string of its own.
 */
export class JobQueue {
  private constructor(private readonly boss: PgBoss) {}

  /** Starts pg-boss on the pool (creating or upgrading its schema). */
  static async start(pool: Pick<pg.Pool, "query">): Promise<JobQueue> {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values ?? []) },
      schema: "pgboss",
      // Cron schedules are minute-grained and not needed: Keel's schedules nudge from timers.
      schedule: false,
      maintenanceIntervalSeconds: 120,
    });
    boss.on("error", (error) => console.error("[jobs] queue error:", error.message));
    await boss.start();
    return new JobQueue(boss);
  }

  /**
   * Creates the kind's queue when missing (another instance may create it at the same time) and
   * works it; returns what stops this worker (jobs in progress finish).
   */
  async register<T extends object>(kind: JobKind<T>): Promise<() => Promise<void>> {
    if (!(await this.boss.getQueue(kind.name))) {
      try {
        await this.boss.createQueue(kind.name, {
          name: kind.name, policy: kind.policy, retryLimit: kind.retryLimit, retryDelay: kind.retryDelaySeconds,
          retryBackoff: true, expireInSeconds: kind.expireInSeconds,
        });
      } catch (error) {
        if (!(error instanceof pg.DatabaseError && error.code === "23505")) throw error;
      }
    }
    const ids: string[] = [];
    for (let i = 0; i < (kind.concurrency ?? 1); i++) {
      ids.push(await this.boss.work<T>(kind.name, { pollingIntervalSeconds: kind.pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
        await kind.run(job.data);
      }));
    }
    return async () => {
      for (const id of ids) await this.boss.offWork({ id });
    };
  }

  /**
   * Queues a job; under the `short` policy, nothing when one already waits. With `client`, the job
   * is written in that client's open transaction: it exists exactly when the work it is for does.
   */
  async send(name: string, data: object = {}, client?: Pick<pg.PoolClient, "query">): Promise<void> {
    await this.boss.send(name, data, client ? { db: { executeSql: (text, values) => client.query(text, values ?? []) } } : {});
  }

  /** Stops taking jobs and waits up to `timeoutMs` for jobs in progress. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
  }
}
