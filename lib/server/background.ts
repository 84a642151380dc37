import type { KeelConfig } from "@/lib/config";
import type { Database } from "@/lib/db/client";
import { EvalRunner } from "@/lib/evals/runner";
import { FineTuneTracker } from "@/lib/finetune/tracker";
import { JobQueue } from "@/lib/jobs/queue";
import { AlertJobs } from "@/lib/monitoring/alerts/alert-jobs";
import { InputSampler } from "@/lib/monitoring/drift/inputs";
import { UsageRollups } from "@/lib/monitoring/usage-rollups";
import { createOutboundPolicy } from "@/lib/net/outbound";
import { ContentPurger } from "@/lib/privacy/purge";
import { BuiltinEmbeddingModel } from "@/lib/providers/builtin/embedding-model";
import { RolloutGuard } from "@/lib/rollouts/guard";
import { parseMasterKeys } from "@/lib/secrets/secrets";

export type BackgroundWork = {
  /** Request records were committed (in this process or, with the console apart, in the gateway's): roll them up soon. */
  recordsCommitted: () => void;
  /** Stops taking work; work in progress finishes. */
  stop: () => Promise<void>;
};

/**
 * Keel's background work, off the gateway's request path: pg-boss and the jobs on it (usage
 * rollups, alerts, input drift, rollout guards, evaluation runs, fine-tuning), and the content
 * purge. It runs in the process that serves the console: with the console apart
 * (KEEL_CONSOLE_PROCESS=separate) the gateway's process keeps only the gateway and the request
 * sealer, so neither a rollup's sums nor the built-in embedding model's work for drift and
 * evaluations (which runs on the thread that calls it) holds the gateway's requests.
 */
export async function startBackgroundWork(database: Database, config: KeelConfig): Promise<BackgroundWork> {
  // What has started, to stop in reverse order, also when a later part fails to start.
  const started: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of started.splice(0).reverse()) await stopOne();
  };
  try {
    // Deletes request content past its tenant's retention (tenants that keep it), every minute.
    const purger = new ContentPurger(database.pool);
    purger.start();
    started.push(() => purger.stop());
    const jobs = await JobQueue.start(database.pool);
    started.push(() => jobs.stop());
    const outbound = createOutboundPolicy(config.outboundAllow);
    // Input drift: a few inputs per version, from the content tenants keep, embedded by the built-in
    // model in a queue of its own, every 5 minutes; evaluation runs share the model for similarity.
    const embedder = new BuiltinEmbeddingModel();
    const embed = async (texts: string[]) => (await embedder.embed(texts, AbortSignal.timeout(120_000))).vectors;
    const rollups = new UsageRollups(database.pool, jobs);
    const services = [
      // The usage rollups behind the monitoring charts.
      rollups,
      // Budget and spend alerts, delivered in the console and to tenants' webhooks (through the outbound-URL policy).
      new AlertJobs(database, jobs, outbound),
      new InputSampler(database, jobs, embed),
      // Canary rollouts: guards checked every KEEL_ROLLOUT_CHECK_SECONDS, rolling back a breach on their own.
      new RolloutGuard(database, jobs, config.rolloutCheckMs),
      // Evaluation runs: their cases go through the gateway over loopback.
      new EvalRunner(database.prisma, jobs, embed),
      // Fine-tuning jobs on tenants' providers, followed every 10 s; a result becomes a draft version.
      new FineTuneTracker(database.prisma, jobs, outbound, parseMasterKeys(config.masterKey)),
    ];
    for (const service of services) {
      await service.start();
      started.push(() => service.stop());
    }
    return { recordsCommitted: () => rollups.recordsCommitted(), stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
