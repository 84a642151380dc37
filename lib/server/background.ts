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
  // Deletes request content past its tenant's retention (tenants that keep it), every minute.
  const purger = new ContentPurger(database.pool);
  purger.start();
  const jobs = await JobQueue.start(database.pool);
  // The usage rollups behind the monitoring charts.
  const rollups = new UsageRollups(database.pool, jobs);
  await rollups.start();
  // Budget and spend alerts, delivered in the console and to tenants' webhooks (through the outbound-URL policy).
  const alerts = new AlertJobs(database, jobs, createOutboundPolicy(config.outboundAllow));
  await alerts.start();
  // Input drift: a few inputs per version, from the content tenants keep, embedded by the built-in
  // model in a queue of its own (the gateway's callers never wait behind it), every 5 minutes.
  const sampleEmbedder = new BuiltinEmbeddingModel();
  const embed = async (texts: string[]) => (await sampleEmbedder.embed(texts, AbortSignal.timeout(120_000))).vectors;
  const sampler = new InputSampler(database, jobs, embed);
  await sampler.start();
  // Canary rollouts: guards checked every KEEL_ROLLOUT_CHECK_SECONDS, rolling back a breach on their own.
  const rolloutGuard = new RolloutGuard(database, jobs, config.rolloutCheckMs);
  await rolloutGuard.start();
  // Evaluation runs: their cases go through the gateway over loopback; similarity shares the sampler's embedding model.
  const evals = new EvalRunner(database.prisma, jobs, embed);
  await evals.start();
  // Fine-tuning jobs on tenants' providers, followed every 10 s; a result becomes a draft version.
  const fineTunes = new FineTuneTracker(database.prisma, jobs, createOutboundPolicy(config.outboundAllow), parseMasterKeys(config.masterKey));
  await fineTunes.start();
  return {
    recordsCommitted: () => rollups.recordsCommitted(),
    stop: async () => {
      await purger.stop();
      await rollups.stop();
      await alerts.stop();
      await sampler.stop();
      await rolloutGuard.stop();
      await evals.stop();
      await fineTunes.stop();
      await jobs.stop();
    },
  };
}
