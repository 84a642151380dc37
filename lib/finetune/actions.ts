"use server";

import crypto from "node:crypto";
import { Prisma } from "@/lib/db/generated/client";
import { tenantAction } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { cancelFineTuneSchema, launchFineTuneSchema } from "./schemas";
import { TrainingFileError, checkTrainingFile } from "./training";

/** Jobs a tenant may have queued or running at once: each is billed by its provider, outside Keel's budgets. */
const MAX_ACTIVE_JOBS = 3;

/**
 * Queues a fine-tuning job on one of the tenant's OpenAI-compatible providers; the tracker uploads
 * the training file, creates the job there and follows it. Its result becomes a draft version of
 * the endpoint, with its lineage (base model, training file and its hash, hyperparameters, job).
 */
export const launchFineTune = tenantAction({
  schema: launchFineTuneSchema,
  permission: "finetune.launch",
  run: async (ctx, input) => {
    let examples: number;
    try {
      examples = checkTrainingFile(input.training);
    } catch (error) {
      if (error instanceof TrainingFileError) throw new ActionError(error.message, "invalid", { training: [error.message] });
      throw error;
    }
    const provider = await ctx.tx.provider.findFirst({ where: { id: input.providerId, tenantId: ctx.tenantId }, select: { id: true, kind: true, name: true } });
    if (!provider) throw new ActionError("Not found: no such provider in this tenant.", "not_found", { providerId: ["Pick one of this tenant's providers"] });
    if (provider.kind !== "OPENAI_COMPATIBLE") throw new ActionError("The built-in provider cannot fine-tune: pick an OpenAI-compatible provider.", "invalid", { providerId: ["Pick an OpenAI-compatible provider"] });
    const endpoint = await ctx.tx.endpoint.findFirst({ where: { id: input.endpointId, tenantId: ctx.tenantId }, select: { id: true, kind: true, name: true } });
    if (!endpoint) throw new ActionError("Not found: no such endpoint in this tenant.", "not_found", { endpointId: ["Pick one of this tenant's endpoints"] });
    if (endpoint.kind !== "CHAT") throw new ActionError("A fine-tuned model answers chat: pick a chat endpoint for the result.", "invalid", { endpointId: ["Pick a chat endpoint"] });
    const active = await ctx.tx.fineTuneJob.count({ where: { tenantId: ctx.tenantId, status: { in: ["QUEUED", "RUNNING"] } } });
    if (active >= MAX_ACTIVE_JOBS) throw new ActionError(`This tenant already has ${active} fine-tuning jobs under way; wait for one to end (at most ${MAX_ACTIVE_JOBS} at once).`, "conflict");
    const trainingHash = crypto.createHash("sha256").update(input.training).digest("hex");
    const job = await ctx.tx.fineTuneJob.create({
      data: {
        tenantId: ctx.tenantId, providerId: provider.id, endpointId: endpoint.id, baseModel: input.baseModel, suffix: input.suffix || null, trainingName: input.trainingName,
        trainingHash, trainingExamples: examples, trainingData: input.training, hyperparameters: input.hyperparameters === null ? Prisma.DbNull : (input.hyperparameters as Prisma.InputJsonValue), createdById: ctx.user.id,
      },
    });
    await ctx.audit(ctx.tenantId, {
      action: "finetune.launched",
      resourceType: "fine_tune_job",
      resourceId: job.id,
      after: { provider: provider.name, endpoint: endpoint.name, baseModel: input.baseModel, suffix: job.suffix, training: { name: input.trainingName, sha256: trainingHash, examples }, hyperparameters: input.hyperparameters },
    });
    return { jobId: job.id };
  },
});

/** Cancels a job: at once while queued, through the provider (by the tracker) once it runs there. */
export const cancelFineTune = tenantAction({
  schema: cancelFineTuneSchema,
  permission: "finetune.launch",
  run: async (ctx, input) => {
    const job = await ctx.tx.fineTuneJob.findFirst({ where: { id: input.jobId, tenantId: ctx.tenantId }, select: { id: true, status: true } });
    if (!job) throw new ActionError("Not found: no such fine-tuning job in this tenant.", "not_found");
    if (job.status !== "QUEUED" && job.status !== "RUNNING") throw new ActionError(`This job has already ended (${job.status.toLowerCase()}).`, "conflict");
    const data = job.status === "QUEUED" ? { status: "CANCELLED" as const, trainingData: "", finishedAt: new Date() } : { cancelRequested: true };
    await ctx.tx.fineTuneJob.update({ where: { id: job.id, tenantId: ctx.tenantId }, data });
    await ctx.audit(ctx.tenantId, { action: "finetune.cancelled", resourceType: "fine_tune_job", resourceId: job.id, before: { status: job.status }, after: { status: job.status === "QUEUED" ? "CANCELLED" : "cancel requested" } });
    return { jobId: job.id };
  },
});
