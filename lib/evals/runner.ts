import type { PrismaClient } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { can } from "@/lib/auth/permissions";
import { consoleGateway } from "@/lib/endpoints/console-gateway";
import { mintConsoleToken } from "@/lib/gateway/console-token";
import type { JobQueue } from "@/lib/jobs/queue";
import type { ChatMessage, EvalCaseInput } from "./dataset";
import { ScorerError, scoreAnswer, type ScoreTools } from "./scorers";
import { summarize } from "./summary";

export const SCAN_JOB = "evals.scan";
/** Cases of one run in flight at once. */
const CONCURRENCY = 4;
/** A run whose heartbeat is older than this is taken up again (its instance died). */
const STALE_MS = 120_000;
/** A case's call may wait this long, its queueing in the gateway included (the built-in model answers one call at a time). */
const CALL_TIMEOUT_MS = 300_000;

type Run = Prisma.EvalRunGetPayload<{ include: { dataset: { select: { name: true } } } }>;
type Case = { id: string; position: number; input: EvalCaseInput };

/**
 * Runs evaluations, on the job queue: every few seconds one `evals.scan` job (at most one waits,
 * whatever the number of instances) claims a queued run, or one whose instance stopped beating, and
 * runs its remaining cases through this instance's gateway as the person who started it (a console
 * token pinned to the run's version: recorded, limited and billed like any call). Each case's
 * result and the run's counters are written as it completes, so the console shows progress and a
 * restart resumes where it stopped. Similarity uses `embed` (the built-in embedding model); the
 * judge is the tenant's endpoint named in the run, called through the gateway the same way.
 */
export class EvalRunner {
  private timer: NodeJS.Timeout | null = null;
  private stopWorker: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: JobQueue,
    private readonly embed: ScoreTools["embed"],
    private readonly intervalMs = 3_000,
  ) {}

  async start(): Promise<void> {
    this.stopWorker = await this.queue.register({
      name: SCAN_JOB, policy: "short", retryLimit: 0, retryDelaySeconds: 0, expireInSeconds: 3_600, pollingIntervalSeconds: 2,
      run: async () => void (await this.runPending()),
    });
    this.timer = setInterval(() => void this.queue.send(SCAN_JOB).catch(() => {}), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.stopWorker?.();
  }

  /** Runs claimed runs one after another until none is pending; returns their ids (tests). */
  async runPending(): Promise<string[]> {
    const ran: string[] = [];
    // Until this process's gateway listens, a claimed run could only fail.
    if (!consoleGateway()) return ran;
    for (let run = await this.claim(); run && !this.stopped; run = await this.claim()) {
      await this.runOne(run);
      ran.push(run.id);
    }
    return ran;
  }

  /** Takes the oldest queued run, or a running one whose heartbeat stopped, for this instance. */
  private async claim(): Promise<Run | null> {
    const stale = new Date(Date.now() - STALE_MS);
    const [row] = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "EvalRun" SET "status" = 'RUNNING', "startedAt" = COALESCE("startedAt", now()), "heartbeatAt" = now()
      WHERE "id" = (
        SELECT r."id" FROM "EvalRun" r
        WHERE (r."status" = 'QUEUED' OR (r."status" = 'RUNNING' AND (r."heartbeatAt" IS NULL OR r."heartbeatAt" < ${stale})))
          AND EXISTS (SELECT 1 FROM "Tenant" t WHERE t."id" = r."tenantId" AND t."status" = 'ACTIVE')
        ORDER BY r."createdAt" LIMIT 1 FOR UPDATE OF r SKIP LOCKED
      )
      RETURNING "id"`;
    if (!row) return null;
    return this.prisma.evalRun.findUnique({ where: { id: row.id }, include: { dataset: { select: { name: true } } } });
  }

  private async runOne(run: Run): Promise<void> {
    // Beats while the run goes, however long one case takes: another instance takes it up only if this one stopped.
    const beat = setInterval(() => void this.prisma.evalRun.updateMany({ where: { id: run.id, status: "RUNNING" }, data: { heartbeatAt: new Date() } }).catch(() => {}), 30_000);
    beat.unref();
    try {
      const refusal = await this.refusal(run);
      if (refusal) throw new Error(refusal);
      const [endpoint, version, rows, scored] = await Promise.all([
        this.prisma.endpoint.findFirst({ where: { id: run.endpointId, tenantId: run.tenantId }, select: { name: true } }),
        this.prisma.modelVersion.findFirst({ where: { id: run.versionId, tenantId: run.tenantId }, select: { provider: { select: { kind: true } } } }),
        this.prisma.evalCase.findMany({ where: { tenantId: run.tenantId, datasetId: run.datasetId }, orderBy: { position: "asc" } }),
        this.prisma.evalResult.findMany({ where: { tenantId: run.tenantId, runId: run.id }, select: { caseId: true } }),
      ]);
      if (!endpoint) throw new Error("its endpoint no longer exists");
      const done = new Set(scored.map((r) => r.caseId));
      const pending: Case[] = rows
        .filter((c) => !done.has(c.id))
        .map((c) => ({ id: c.id, position: c.position, input: { messages: c.messages as ChatMessage[], expected: c.expected, rubric: c.rubric, schema: c.schema as Record<string, unknown> | null } }));
      let next = 0;
      let cancelled = false;
      let broken = false;
      const worker = async () => {
        try {
          while (!cancelled && !broken && !this.stopped && next < pending.length) {
            const c = pending[next++];
            await this.runCase(run, endpoint.name, c);
            if ((await this.current(run.id)) !== "RUNNING") cancelled = true;
            else {
              const refusal = await this.refusal(run);
              if (refusal) throw new Error(refusal);
            }
          }
        } catch (error) {
          broken = true; // the other workers stop at their next case
          throw error;
        }
      };
      // The built-in model answers one call at a time: more in flight would only wait in its queue, on the clock.
      await Promise.all(Array.from({ length: version?.provider.kind === "BUILTIN" ? 1 : CONCURRENCY }, worker));
      if (cancelled || this.stopped) return;
      await this.finish(run.id, run.tenantId);
    } catch (error) {
      console.error(`[evals] run ${run.id} failed:`, error);
      await this.prisma.evalRun.updateMany({
        where: { id: run.id, status: "RUNNING" },
        data: { status: "FAILED", error: `The run stopped: ${(error as Error).message}`.slice(0, 500), finishedAt: new Date() },
      });
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Why the run may not go on, or null: cases are sent as the person who started it, so they must
   * still hold evals.run in a tenant that is not suspended. Checked before each case.
   */
  private async refusal(run: Run): Promise<string | null> {
    const member = await this.prisma.membership.findFirst({ where: { tenantId: run.tenantId, userId: run.createdById }, select: { role: true, tenant: { select: { status: true } } } });
    if (!member || !can(member.role, "evals.run")) return "the person who started it may no longer run evaluations in this tenant";
    if (member.tenant.status !== "ACTIVE") return "the tenant is suspended";
    return null;
  }

  private async runCase(run: Run, endpointName: string, c: Case): Promise<void> {
    const started = Date.now();
    let output: string | null = null;
    let requestId: string | null = null;
    let result: { score: number; passed: boolean; detail: string; failed: boolean };
    try {
      const answer = await this.chat(run, { model: endpointName, messages: c.input.messages }, run.versionId);
      output = answer.text;
      requestId = answer.requestId;
      const tools: ScoreTools = {
        embed: this.embed ? (texts) => this.embed!(texts.map((t) => t.slice(0, 4_000))) : undefined,
        judge: run.judgeEndpoint ? async (messages) => (await this.chat(run, { model: run.judgeEndpoint, messages, temperature: 0 })).text : undefined,
      };
      result = { ...(await scoreAnswer(run.scorer, c.input, output, run.passAt, tools)), failed: false };
    } catch (error) {
      if (!(error instanceof ScorerError) && !(error instanceof CallError)) throw error;
      result = { score: 0, passed: false, detail: error.message.slice(0, 500), failed: true };
    }
    const latencyMs = Date.now() - started;
    await this.prisma.$transaction(async (tx) => {
      const inserted = await tx.evalResult.createMany({
        data: [{ tenantId: run.tenantId, runId: run.id, caseId: c.id, position: c.position, output: output?.slice(0, 32_000) ?? null, requestId, latencyMs, ...result }],
        skipDuplicates: true,
      });
      if (inserted.count === 0) return; // another instance scored it first
      await tx.evalRun.update({
        where: { id: run.id },
        data: {
          done: { increment: 1 },
          passed: { increment: result.passed ? 1 : 0 },
          failed: { increment: result.failed ? 1 : 0 },
          scoreSum: { increment: result.score },
          heartbeatAt: new Date(),
        },
      });
    });
  }

  /** One chat completion through this instance's gateway, as the run's creator (pinned to `versionId` when given). */
  private async chat(run: Run, body: Record<string, unknown>, versionId?: string): Promise<{ text: string; requestId: string | null }> {
    const gateway = consoleGateway();
    if (!gateway) throw new Error("the gateway is not running in this process");
    let res: Response;
    for (let attempt = 0; ; attempt++) {
      const token = mintConsoleToken({ tenantId: run.tenantId, userId: run.createdById, purpose: "eval", ...(versionId ? { versionId } : {}) }, gateway.secret);
      try {
        res = await fetch(`${gateway.url}/api/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ ...body, stream: false }),
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        });
      } catch (error) {
        throw new CallError(`the call failed: ${(error as Error).message}`);
      }
      // Over a rate limit, wait as told (at most a minute each time, five times) rather than lose the case.
      if (res.status !== 429 || attempt >= 5 || this.stopped) break;
      await res.arrayBuffer().catch(() => {});
      const wait = Math.min(60, Math.max(1, Number(res.headers.get("retry-after")) || 2 ** attempt));
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
    const requestId = res.headers.get("x-request-id");
    // Refused as a caller (the starter's access, the tenant suspended): no later case would fare better.
    if (res.status === 401 || res.status === 403) throw new Error(`the gateway refused the run's calls (${res.status})`);
    const json = (await res.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[]; error?: { message?: string } } | null;
    if (!res.ok) throw new CallError(`the gateway answered ${res.status}: ${json?.error?.message ?? "no message"}${requestId ? ` (request ${requestId})` : ""}`);
    const content = json?.choices?.[0]?.message?.content;
    return { text: typeof content === "string" ? content : "", requestId };
  }

  private async current(runId: string) {
    return (await this.prisma.evalRun.findUnique({ where: { id: runId }, select: { status: true } }))?.status;
  }

  /** The summary from the results as stored (whoever scored them), and the run's end. */
  private async finish(runId: string, tenantId: string): Promise<void> {
    const results = await this.prisma.evalResult.findMany({ where: { tenantId, runId }, select: { score: true, passed: true, failed: true } });
    const summary = summarize(results.filter((r) => !r.failed), results.filter((r) => r.failed).length);
    await this.prisma.evalRun.updateMany({
      where: { id: runId, status: "RUNNING" },
      data: { status: "COMPLETED", summary: summary as unknown as Prisma.InputJsonValue, finishedAt: new Date() },
    });
  }
}

/** A case's call that did not get an answer: the case is unscored, the run goes on. */
class CallError extends Error {}
