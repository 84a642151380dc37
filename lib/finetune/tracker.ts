import crypto from "node:crypto";
import OpenAI, { type ClientOptions } from "openai";
import { NO_REQUEST, recordAudit, type AuditActor } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { JobQueue } from "@/lib/jobs/queue";
import { outboundRefusal, type OutboundPolicy } from "@/lib/net/outbound";
import { decryptSecret, providerKeyBinding } from "@/lib/secrets/secrets";

export const TRACK_JOB = "finetune.track";
const TRACKER: AuditActor = { type: "SYSTEM", id: null, label: "fine-tune tracker" };
/** A job that was being handed to its provider when its instance died is failed after this long (past the upload's 5 minutes). */
const HANDOVER_STALE_MS = 15 * 60_000;
/** What a provider's ids and model names may look like before Keel stores them. */
const PROVIDER_ID = /^[\w.-]{1,100}$/;
const MODEL_NAME = /^[\w.:/@+-]{1,200}$/;

type Job = Prisma.FineTuneJobGetPayload<object>;

/**
 * Follows fine-tuning jobs, on the job queue: every `intervalMs` (10 s) one `finetune.track` job
 * uploads the training file of each queued job and creates the job on its provider (OpenAI's
 * files and fine_tuning.jobs APIs, through the outbound-URL policy), then asks the provider about
 * each running one. A job that succeeds adds its model to the endpoint as a draft version, unpriced
 * until a manager prices it, with its lineage filled in (base model, training file and hash,
 * hyperparameters, the provider's job id, its launcher as owner), in the same transaction as its
 * end and the audit event that records it.
 */
export class FineTuneTracker {
  private timer: NodeJS.Timeout | null = null;
  private stopWorker: (() => Promise<void>) | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: JobQueue,
    private readonly policy: OutboundPolicy,
    private readonly masterKeys: Parameters<typeof decryptSecret>[2],
    private readonly intervalMs = 10_000,
  ) {}

  async start(): Promise<void> {
    this.stopWorker = await this.queue.register({
      name: TRACK_JOB, policy: "short", retryLimit: 0, retryDelaySeconds: 0, expireInSeconds: 600, pollingIntervalSeconds: 2,
      run: async () => void (await this.trackAll()),
    });
    this.timer = setInterval(() => void this.queue.send(TRACK_JOB).catch(() => {}), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.stopWorker?.();
  }

  /** One pass over every queued and running job; each job's failure is its own. */
  async trackAll(): Promise<void> {
    // A suspended tenant's jobs wait: none is handed over or followed (its members cannot cancel them meanwhile).
    const jobs = await this.prisma.fineTuneJob.findMany({
      where: { status: { in: ["QUEUED", "RUNNING"] }, tenant: { status: "ACTIVE" } },
      orderBy: { createdAt: "asc" },
      omit: { trainingData: true },
    });
    for (const job of jobs) {
      try {
        if (job.status === "QUEUED") await this.handOver(job);
        else await this.follow(job);
      } catch (error) {
        console.error(`[finetune] job ${job.id}:`, error);
      }
    }
  }

  /** Uploads the training file and creates the job on the provider, once (a claimed job is RUNNING). */
  private async handOver(job: Omit<Job, "trainingData">): Promise<void> {
    const claimed = await this.prisma.fineTuneJob.updateMany({ where: { id: job.id, status: "QUEUED" }, data: { status: "RUNNING", providerStatus: "uploading" } });
    if (claimed.count === 0) return;
    try {
      const { trainingData } = await this.prisma.fineTuneJob.findUniqueOrThrow({ where: { id: job.id }, select: { trainingData: true } });
      const { client, upload } = await this.client(job);
      const file = await upload(`${job.trainingName.replace(/[^\w.-]+/g, "_").slice(0, 100)}.jsonl`, trainingData);
      const created = await client.fineTuning.jobs.create({
        model: job.baseModel,
        training_file: file.id,
        ...(job.suffix ? { suffix: job.suffix } : {}),
        ...(job.hyperparameters ? { hyperparameters: job.hyperparameters as OpenAI.FineTuning.JobCreateParams["hyperparameters"] } : {}),
      });
      if (!PROVIDER_ID.test(file.id) || !PROVIDER_ID.test(created.id)) throw new Error("the provider answered with ids Keel does not accept");
      // Only while this hand-over still owns the job: one failed as stale meanwhile gets its provider job cancelled, not followed.
      const stored = await this.prisma.fineTuneJob.updateMany({
        where: { id: job.id, status: "RUNNING", providerJobId: null },
        data: { providerFileId: file.id, providerJobId: created.id, providerStatus: created.status.slice(0, 40), trainingData: "" },
      });
      if (stored.count === 0) await client.fineTuning.jobs.cancel(created.id).catch(() => null);
    } catch (error) {
      await this.end(job, "FAILED", { error: `The provider did not take the job: ${describe(error)}` });
    }
  }

  private async follow(job: Omit<Job, "trainingData">): Promise<void> {
    if (!job.providerJobId) {
      // Claimed by an instance that stopped before the provider answered: the job may or may not exist there.
      if (Date.now() - job.updatedAt.getTime() > HANDOVER_STALE_MS) await this.end(job, "FAILED", { error: "Keel stopped while handing the job to the provider; launch it again." });
      return;
    }
    const { client } = await this.client(job);
    if (job.cancelRequested) {
      await client.fineTuning.jobs.cancel(job.providerJobId).catch(() => null);
      await this.end(job, "CANCELLED", {});
      return;
    }
    const remote = await client.fineTuning.jobs.retrieve(job.providerJobId);
    if (remote.status === "succeeded" && remote.fine_tuned_model) {
      if (!MODEL_NAME.test(remote.fine_tuned_model)) return this.end(job, "FAILED", { error: "The provider named the fine-tuned model in a form Keel does not accept." });
      return this.succeed(job, remote.fine_tuned_model, remote.hyperparameters as Record<string, unknown> | null);
    }
    if (remote.status === "failed") return this.end(job, "FAILED", { error: `The provider failed the job: ${remote.error?.message ?? "no reason given"}`.slice(0, 500), providerStatus: remote.status });
    if (remote.status === "cancelled") return this.end(job, "CANCELLED", { providerStatus: remote.status });
    const status = String(remote.status).slice(0, 40);
    if (status !== job.providerStatus) await this.prisma.fineTuneJob.update({ where: { id: job.id }, data: { providerStatus: status } });
  }

  private async succeed(job: Omit<Job, "trainingData">, model: string, hyperparameters: Record<string, unknown> | null): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const ended = await tx.fineTuneJob.updateMany({ where: { id: job.id, status: "RUNNING" }, data: { status: "SUCCEEDED", providerStatus: "succeeded", fineTunedModel: model, finishedAt: new Date() } });
      if (ended.count === 0) return;
      const label = await freeLabel(tx, job.tenantId, job.endpointId, `ft-${job.suffix ?? job.providerJobId!.replace(/[^a-z0-9-]/gi, "").slice(-6)}`.slice(0, 34));
      const version = await tx.modelVersion.create({
        data: {
          tenantId: job.tenantId, endpointId: job.endpointId, label, providerId: job.providerId, providerModel: model, params: {}, priced: false,
          baseModel: job.baseModel, datasetName: job.trainingName, datasetHash: `sha256:${job.trainingHash}`, fineTuneJobId: job.providerJobId,
          hyperparameters: (job.hyperparameters ?? (hyperparameters && JSON.stringify(hyperparameters).length < 2_000 ? hyperparameters : null) ?? Prisma.DbNull) as Prisma.InputJsonValue, ownerId: job.createdById,
        },
      });
      await tx.fineTuneJob.update({ where: { id: job.id }, data: { versionId: version.id } });
      await recordAudit(tx, job.tenantId, TRACKER, NO_REQUEST, {
        action: "endpoint.version_added",
        resourceType: "endpoint",
        resourceId: job.endpointId,
        after: { version: { id: version.id, label, providerId: job.providerId, providerModel: model, priced: false }, activated: false, fineTuneJobId: job.providerJobId, fineTune: job.id },
      });
    });
  }

  private async end(job: Omit<Job, "trainingData">, status: "FAILED" | "CANCELLED", data: { error?: string; providerStatus?: string }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const ended = await tx.fineTuneJob.updateMany({ where: { id: job.id, status: { in: ["QUEUED", "RUNNING"] } }, data: { status, ...data, trainingData: "", finishedAt: new Date() } });
      if (ended.count === 0) return;
      await recordAudit(tx, job.tenantId, TRACKER, NO_REQUEST, { action: status === "FAILED" ? "finetune.failed" : "finetune.cancelled", resourceType: "fine_tune_job", resourceId: job.id, after: { status, ...data } });
    });
  }

  /**
   * The official client for the job's provider, and a file upload, every request through the
   * outbound-URL policy with no redirect followed. The upload writes its multipart body itself: the
   * policy's fetch (undici's) does not take the global FormData the client would build.
   */
  private async client(job: Omit<Job, "trainingData">): Promise<{ client: OpenAI; upload: (name: string, text: string) => Promise<{ id: string }> }> {
    const provider = await this.prisma.provider.findFirstOrThrow({ where: { id: job.providerId, tenantId: job.tenantId } });
    if (!provider.baseUrl) throw new Error("the provider has no base URL");
    const apiKey = provider.apiKeySealed ? decryptSecret(provider.apiKeySealed, providerKeyBinding(provider), this.masterKeys) : "not-needed";
    await this.policy.check(provider.baseUrl);
    const fetch = (url: string, init?: object) => this.policy.fetch(url, { ...init, redirect: "manual" });
    const client = new OpenAI({ baseURL: provider.baseUrl, apiKey, timeout: 60_000, maxRetries: 2, fetch: fetch as unknown as ClientOptions["fetch"] });
    const upload = async (name: string, text: string) => {
      const boundary = `keel-${crypto.randomBytes(12).toString("hex")}`;
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/jsonl\r\n\r\n`),
        Buffer.from(text, "utf8"),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await fetch(`${provider.baseUrl!.replace(/\/+$/, "")}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
        signal: AbortSignal.timeout(300_000),
      });
      const json = (await res.json().catch(() => null)) as { id?: unknown; error?: { message?: string } } | null;
      if (!res.ok || typeof json?.id !== "string") throw new Error(`the file upload got HTTP ${res.status}${json?.error?.message ? `: ${json.error.message.slice(0, 200)}` : ""}`);
      return { id: json.id };
    };
    return { client, upload };
  }
}

/** `base`, or `base-2`, `base-3`… when the endpoint has a version so labelled. */
async function freeLabel(tx: Prisma.TransactionClient, tenantId: string, endpointId: string, base: string): Promise<string> {
  const taken = new Set((await tx.modelVersion.findMany({ where: { tenantId, endpointId, label: { startsWith: base } }, select: { label: true } })).map((v) => v.label));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function describe(error: unknown): string {
  const refusal = outboundRefusal(error);
  if (refusal) return refusal.message;
  if (error instanceof OpenAI.APIError) return `HTTP ${error.status ?? "error"}${error.message ? `: ${error.message.slice(0, 200)}` : ""}`;
  return (error as Error).message.slice(0, 200);
}
