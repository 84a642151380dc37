import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant, seedUser } from "@/lib/testing/factories";
import { rollupTenant } from "../rollup";
import { driftAlerts, driftSeries, versionDrift } from "./versions";

const test = useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let s = 42;
const uniform = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
const lognormal = (median: number) => Math.max(1, Math.round(median * Math.exp(0.5 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))));

async function seedVersion(tenantId: string, label: string) {
  const provider = await db().provider.create({ data: { tenantId, name: `p-${label}`, kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1" } });
  const endpoint = await db().endpoint.create({ data: { tenantId, name: `chat-${label}`, kind: "CHAT" } });
  const version = await db().modelVersion.create({ data: { tenantId, endpointId: endpoint.id, label, providerId: provider.id, providerModel: "m" } });
  return { endpointId: endpoint.id, versionId: version.id };
}

/** `n` requests spread over [from, from + span) with output lengths around `median`. */
function traffic(tenantId: string, v: { endpointId: string; versionId: string }, from: number, span: number, n: number, median: number) {
  return Array.from({ length: n }, () => ({
    id: crypto.randomUUID(), tenantId, route: "chat.completions", endpointId: v.endpointId, modelVersionId: v.versionId, status: 200,
    latencyMs: lognormal(400), outputTokens: lognormal(median), createdAt: new Date(from + Math.floor(uniform() * span)),
  }));
}

describe("version drift", () => {
  it("alerts when a version's output length shifts from its first days, and not for a version whose traffic is unchanged", async () => {
    const tenant = await seedTenant();
    const steady = await seedVersion(tenant.id, "steady");
    const shifted = await seedVersion(tenant.id, "shifted");
    const now = Date.now();
    const start = Math.floor(now / DAY) * DAY - 10 * DAY;
    const lastDay = Math.floor(now / HOUR) * HOUR - DAY;
    await db().requestRecord.createMany({
      data: [
        ...traffic(tenant.id, steady, start, 3 * DAY, 900, 200), ...traffic(tenant.id, steady, lastDay, DAY, 400, 200),
        ...traffic(tenant.id, shifted, start, 3 * DAY, 900, 200), ...traffic(tenant.id, shifted, lastDay, DAY, 400, 420),
      ],
    });
    while (await rollupTenant(test.database.pool, tenant.id, { batchSize: 2000, marginMs: 0 }));

    const a = (await versionDrift(db(), tenant.id, steady.versionId, now))!;
    const b = (await versionDrift(db(), tenant.id, shifted.versionId, now))!;
    expect(a.reference).toMatchObject({ from: start, to: start + 3 * DAY, pinned: false });
    expect(a.metrics.outputs).toMatchObject({ reference: 900, current: 400, drifted: false });
    expect(b.metrics.outputs).toMatchObject({ drifted: true });
    expect(b.metrics.outputs.psi).toBeGreaterThan(0.25);
    expect(b.metrics.latency.drifted).toBe(false);

    const alerts = await driftAlerts(db(), tenant.id, now);
    expect(alerts.map((x) => [x.subjectId, x.details.metric])).toEqual([[shifted.versionId, "outputs"]]);
    expect(alerts[0].title).toMatch(/Output length of chat-shifted · shifted drifted/);

    // A pinned reference is used as given: pinned on the shifted days themselves, nothing has drifted.
    await db().modelVersion.update({ where: { id: shifted.versionId }, data: { driftReferenceFrom: new Date(lastDay - 3 * DAY), driftReferenceTo: new Date(lastDay) } });
    expect(await versionDrift(db(), tenant.id, shifted.versionId, now)).toMatchObject({ reference: { pinned: true }, metrics: { outputs: { reference: 0, drifted: false } } });

    const series = await driftSeries(db(), tenant.id, steady.versionId, 14, now);
    expect(series.points).toHaveLength(14);
    // Another tenant cannot read this version's drift by its id.
    const stranger = await seedTenant();
    expect(await versionDrift(db(), stranger.id, steady.versionId, now)).toBeNull();
  });

  it("alerts when a version's answers start ending at the length limit, or in refusals, and names the metric", async () => {
    const tenant = await seedTenant();
    const cut = await seedVersion(tenant.id, "cut");
    const refusing = await seedVersion(tenant.id, "refusing");
    const now = Date.now();
    const start = Math.floor(now / DAY) * DAY - 10 * DAY;
    const lastDay = Math.floor(now / HOUR) * HOUR - DAY;
    /** `n` answers, the given shares of each finish reason in turn, the rest "stop". */
    const answers = (v: { endpointId: string; versionId: string }, from: number, span: number, n: number, shares: Record<string, number>) =>
      traffic(tenant.id, v, from, span, n, 200).map((r, i) => {
        let reason = "stop";
        let edge = 0;
        for (const [name, share] of Object.entries(shares)) {
          edge += share * n;
          if (i < edge) {
            reason = name;
            break;
          }
        }
        return { ...r, finishReason: reason };
      });
    await db().requestRecord.createMany({
      data: [
        ...answers(cut, start, 3 * DAY, 900, { length: 0.05 }), ...answers(cut, lastDay, DAY, 400, { length: 0.3 }),
        ...answers(refusing, start, 3 * DAY, 900, { refusal: 0.01 }), ...answers(refusing, lastDay, DAY, 400, { refusal: 0.2 }),
      ],
    });
    while (await rollupTenant(test.database.pool, tenant.id, { batchSize: 2000, marginMs: 0 }));

    const a = (await versionDrift(db(), tenant.id, cut.versionId, now))!.metrics;
    const b = (await versionDrift(db(), tenant.id, refusing.versionId, now))!.metrics;
    expect(a.finishes).toMatchObject({ test: "chi-square", reference: 900, current: 400, drifted: true });
    expect(a.refusals.drifted).toBe(false);
    expect(b.refusals).toMatchObject({ drifted: true });
    expect(b.refusals.p).toBeLessThan(0.01);
    expect(a.outputs.drifted || b.outputs.drifted).toBe(false);

    const alerts = await driftAlerts(db(), tenant.id, now);
    expect(alerts.map((x) => `${x.subjectId === cut.versionId ? "cut" : "refusing"}:${x.details.metric}`).sort()).toEqual(["cut:finishes", "refusing:finishes", "refusing:refusals"]);
    expect(alerts.find((x) => x.details.metric === "refusals")!.title).toMatch(/^Refusal rate of chat-refusing · refusing drifted from its reference: PSI \d/);
  });

  it("alerts once per run when a version's newest evaluation scores differently from the one of its reference window, and not when it scores alike", async () => {
    const tenant = await seedTenant();
    const owner = (await seedUser()).id;
    const judged = await seedVersion(tenant.id, "judged");
    const same = await seedVersion(tenant.id, "same");
    const now = Date.now();
    const start = Math.floor(now / DAY) * DAY - 10 * DAY;
    const lastDay = Math.floor(now / HOUR) * HOUR - DAY;
    await db().requestRecord.createMany({
      data: [...traffic(tenant.id, judged, start, 3 * DAY, 50, 200), ...traffic(tenant.id, judged, lastDay, DAY, 50, 200), ...traffic(tenant.id, same, start, 3 * DAY, 50, 200), ...traffic(tenant.id, same, lastDay, DAY, 50, 200)],
    });
    while (await rollupTenant(test.database.pool, tenant.id, { batchSize: 2000, marginMs: 0 }));
    const dataset = await db().evalDataset.create({ data: { tenantId: tenant.id, name: "golden", caseCount: 60, contentHash: "0".repeat(64), createdById: owner } });
    /** A completed run of the 60 cases, `passing` of them scoring 1 and the rest 0. */
    const run = async (v: { endpointId: string; versionId: string }, passing: number, finishedAt: number, scorer: "EXACT" | "CONTAINS" = "EXACT") => {
      const r = await db().evalRun.create({
        data: { tenantId: tenant.id, datasetId: dataset.id, endpointId: v.endpointId, versionId: v.versionId, scorer, passAt: 1, total: 60, done: 60, status: "COMPLETED", finishedAt: new Date(finishedAt), createdById: owner },
      });
      await db().evalResult.createMany({
        data: Array.from({ length: 60 }, (_, i) => ({ tenantId: tenant.id, runId: r.id, caseId: `case-${i}`, position: i, score: i < passing ? 1 : 0, passed: i < passing, detail: "" })),
      });
      return r.id;
    };
    const reference = await run(judged, 57, start + DAY);
    await run(judged, 20, start + 5 * DAY); // neither the reference window's nor the newest
    const newest = await run(judged, 30, now - HOUR);
    await run(judged, 10, now - HOUR, "CONTAINS"); // another scorer, with nothing to compare against
    await run(same, 54, start + DAY);
    const sameNow = await run(same, 52, now - HOUR);
    // Cases its newest run could not score (the provider was down) are the error rate's to show, not the score's.
    await db().evalResult.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({ tenantId: tenant.id, runId: sameNow, caseId: `down-${i}`, position: 100 + i, score: 0, passed: false, failed: true, detail: "upstream_timeout" })),
    });
    // Runs evaluated between the two (a CI gate on every commit): none is read, however many.
    await db().evalRun.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ tenantId: tenant.id, datasetId: dataset.id, endpointId: judged.endpointId, versionId: judged.versionId, scorer: "EXACT" as const, passAt: 1, total: 60, done: 60, status: "COMPLETED" as const, finishedAt: new Date(start + 4 * DAY + i * HOUR), createdById: owner })),
    });
    // Another tenant's rows naming this tenant's version and run (the foreign keys hold no tenant): a newer run, and a result on the newest run.
    const stranger = await seedTenant();
    await db().evalRun.create({ data: { tenantId: stranger.id, datasetId: dataset.id, endpointId: judged.endpointId, versionId: judged.versionId, scorer: "EXACT", passAt: 1, total: 60, done: 60, status: "COMPLETED", finishedAt: new Date(now - 60_000), createdById: owner } });
    await db().evalResult.create({ data: { tenantId: stranger.id, runId: newest, caseId: "intruder", position: 60, score: 1, passed: true, detail: "" } });
    const read: number[] = [];
    const counted = new Proxy(db(), {
      get(target, key) {
        if (key === "$queryRawUnsafe") {
          return async (sql: string, ...values: unknown[]) => {
            const rows = await target.$queryRawUnsafe<unknown[]>(sql, ...values);
            if (sql.includes('FROM "EvalRun"')) read.push(rows.length);
            return rows;
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });

    const a = (await versionDrift(counted, tenant.id, judged.versionId, now))!.metrics.scores;
    expect(read).toEqual([3]); // the reference and newest of EXACT, the one CONTAINS run
    const b = (await versionDrift(db(), tenant.id, same.versionId, now))!.metrics.scores;
    expect(a).toMatchObject({ test: "KS", reference: 60, current: 60, enough: true, drifted: true, about: { dataset: "golden", scorer: "EXACT", referenceRunId: reference, currentRunId: newest } });
    expect(a.p).toBeLessThan(0.01);
    expect(b).toMatchObject({ reference: 60, current: 60, enough: true, drifted: false });

    const alerts = await driftAlerts(db(), tenant.id, now);
    expect(alerts.map((x) => [x.subjectId, x.details.metric, x.dedupeKey])).toEqual([[judged.versionId, "scores", `drift:${judged.versionId}:scores:${newest}`]]);
    expect(alerts[0].title).toMatch(/^Evaluation score of chat-judged · judged drifted from its reference: PSI \d.* over 60 cases of golden \(exact\)/);
    // The other tenant's run and result counted for nothing above (60 cases, the newest is this tenant's), and it cannot read this drift.
    expect(await versionDrift(db(), stranger.id, judged.versionId, now)).toBeNull();
  });
});
