"use server";

import crypto from "node:crypto";
import type { Prisma } from "@/lib/db/generated/client";
import { canonicalJson } from "@/lib/audit/chain";
import { requireNotRetired } from "@/lib/catalog/release";
import { tenantAction } from "@/lib/tenancy/action";
import { ActionError } from "@/lib/tenancy/result";
import { DatasetError, parseDataset } from "./dataset";
import { DEFAULT_PASS, SCORER_LABELS, caseProblem } from "./scorers";
import { cancelEvalRunSchema, importDatasetSchema, startEvalRunSchema } from "./schemas";

/** Imports a dataset of cases from JSONL or CSV text; a dataset never changes after (import another). */
export const importDataset = tenantAction({
  schema: importDatasetSchema,
  permission: "evals.run",
  run: async (ctx, input) => {
    let cases;
    try {
      cases = parseDataset(input.content, input.format);
    } catch (error) {
      if (error instanceof DatasetError) throw new ActionError(error.message, "invalid", { content: [error.message] });
      throw error;
    }
    const taken = await ctx.tx.evalDataset.findFirst({ where: { tenantId: ctx.tenantId, name: input.name }, select: { id: true } });
    if (taken) throw new ActionError("That name is taken.", "conflict", { name: ["Another dataset of this tenant has this name"] });
    const contentHash = crypto.createHash("sha256").update(canonicalJson(cases)).digest("hex");
    const dataset = await ctx.tx.evalDataset.create({
      data: { tenantId: ctx.tenantId, name: input.name, description: input.description || null, caseCount: cases.length, contentHash, createdById: ctx.user.id },
    });
    await ctx.tx.evalCase.createMany({
      data: cases.map((c, position) => ({
        tenantId: ctx.tenantId, datasetId: dataset.id, position, messages: c.messages, expected: c.expected, rubric: c.rubric,
        schema: (c.schema ?? undefined) as Prisma.InputJsonValue | undefined,
      })),
    });
    await ctx.audit(ctx.tenantId, {
      action: "eval.dataset_imported",
      resourceType: "eval_dataset",
      resourceId: dataset.id,
      after: { name: dataset.name, cases: cases.length, contentHash, format: input.format },
    });
    return { datasetId: dataset.id, cases: cases.length };
  },
});

/**
 * Queues a run of a dataset against one version of a chat endpoint: the evaluation runner sends
 * each case through the gateway (recorded and billed against the person who started it) and scores
 * the answers. Every case must suit the scorer; the first few that do not are named.
 */
export const startEvalRun = tenantAction({
  schema: startEvalRunSchema,
  permission: "evals.run",
  run: async (ctx, input) => {
    const dataset = await ctx.tx.evalDataset.findFirst({ where: { id: input.datasetId, tenantId: ctx.tenantId } });
    if (!dataset) throw new ActionError("Not found: no such dataset in this tenant.", "not_found");
    const version = await ctx.tx.modelVersion.findFirst({
      where: { id: input.versionId, tenantId: ctx.tenantId, endpointId: input.endpointId },
      select: { id: true, label: true, priced: true, retiredAt: true, endpoint: { select: { id: true, name: true, kind: true, disabledAt: true } } },
    });
    if (!version) throw new ActionError("Not found: no such version of that endpoint in this tenant.", "not_found", { versionId: ["Pick a version of the endpoint"] });
    if (version.endpoint.kind !== "CHAT") throw new ActionError("Evaluations run against chat endpoints.", "invalid", { endpointId: ["Pick a chat endpoint"] });
    if (!version.priced) throw new ActionError(`${version.label} has no prices yet; a manager must price it before it serves.`, "invalid", { versionId: ["Pick a priced version"] });
    if (version.endpoint.disabledAt) throw new ActionError(`${version.endpoint.name} is disabled; enable it to evaluate it.`, "invalid", { endpointId: ["Pick an enabled endpoint"] });
    requireNotRetired([version], "versionId");
    if (input.scorer === "JUDGE") {
      if (!input.judgeEndpoint) throw new ActionError("The judge scorer needs a judge endpoint.", "invalid", { judgeEndpoint: ["Name the chat endpoint that judges"] });
      const judge = await ctx.tx.endpoint.findFirst({ where: { tenantId: ctx.tenantId, name: input.judgeEndpoint }, select: { kind: true } });
      if (!judge || judge.kind !== "CHAT") throw new ActionError("The judge must be a chat endpoint of this tenant.", "invalid", { judgeEndpoint: ["Name a chat endpoint of this tenant"] });
    }
    const cases = await ctx.tx.evalCase.findMany({ where: { tenantId: ctx.tenantId, datasetId: dataset.id }, orderBy: { position: "asc" }, select: { position: true, messages: true, expected: true, rubric: true, schema: true } });
    const problems = cases
      .map((c) => ({ position: c.position, problem: caseProblem(input.scorer, { messages: [], expected: c.expected, rubric: c.rubric, schema: c.schema as Record<string, unknown> | null }) }))
      .filter((p) => p.problem !== null);
    if (problems.length) {
      const named = problems.slice(0, 3).map((p) => `case ${p.position + 1}: ${p.problem}`).join("; ");
      throw new ActionError(`${problems.length} case${problems.length === 1 ? "" : "s"} cannot be scored by ${SCORER_LABELS[input.scorer]}: ${named}${problems.length > 3 ? "; …" : ""}.`, "invalid", { scorer: ["Pick a scorer every case suits"] });
    }
    const run = await ctx.tx.evalRun.create({
      data: {
        tenantId: ctx.tenantId, datasetId: dataset.id, endpointId: version.endpoint.id, versionId: version.id, scorer: input.scorer,
        passAt: input.passAt ?? DEFAULT_PASS[input.scorer], judgeEndpoint: input.scorer === "JUDGE" ? input.judgeEndpoint! : null, total: cases.length, createdById: ctx.user.id,
      },
    });
    await ctx.audit(ctx.tenantId, {
      action: "eval.run_started",
      resourceType: "eval_run",
      resourceId: run.id,
      after: { dataset: dataset.name, contentHash: dataset.contentHash, endpoint: version.endpoint.name, version: { id: version.id, label: version.label }, scorer: input.scorer, passAt: run.passAt, judgeEndpoint: run.judgeEndpoint },
    });
    return { runId: run.id };
  },
});

/** Stops a queued or running evaluation; the cases scored so far stay. */
export const cancelEvalRun = tenantAction({
  schema: cancelEvalRunSchema,
  permission: "evals.run",
  run: async (ctx, input) => {
    const run = await ctx.tx.evalRun.findFirst({ where: { id: input.runId, tenantId: ctx.tenantId }, select: { id: true, status: true, done: true } });
    if (!run) throw new ActionError("Not found: no such evaluation run in this tenant.", "not_found");
    if (run.status !== "QUEUED" && run.status !== "RUNNING") throw new ActionError(`This run has already ended (${run.status.toLowerCase()}).`, "conflict");
    await ctx.tx.evalRun.update({ where: { id: run.id, tenantId: ctx.tenantId }, data: { status: "CANCELLED", finishedAt: new Date() } });
    await ctx.audit(ctx.tenantId, { action: "eval.run_cancelled", resourceType: "eval_run", resourceId: run.id, before: { status: run.status, done: run.done }, after: { status: "CANCELLED" } });
    return { runId: run.id };
  },
});
