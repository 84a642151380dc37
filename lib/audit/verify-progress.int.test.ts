import { encode } from "next-auth/jwt";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { GET as verifyRoute } from "@/app/api/t/[tenant]/audit/verify/route";
import { db, getDatabase } from "@/lib/db/client";
import { RecordWriter, recordInserter, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { seedPrompt } from "@/lib/prompts/test-factories";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, unique } from "@/lib/testing/factories";
import { sealTenantRequests } from "./seal-requests";
import { asSuperuser } from "./test-tamper";
import type { VerifyProgress } from "./verify-progress";
import { COPY_SEARCH_PAGE, verifyRequestRecords } from "./verify-requests";
import { VERIFIED_ACTION, verifyTrails, type TrailsVerdict } from "./verify-trails";

/** Verification as an auditor sees it: progress as it runs, the verdict, and the verification itself on record. */
const handle = useTestDatabase();

// The route reads the session cookie through Next's request context; here it carries a real
// signed session token for whichever user the test acts as.
const session = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "verify-progress", "x-forwarded-for": "198.51.100.7" }),
  cookies: async () => ({ getAll: () => (session.cookie ? [{ name: "next-auth.session-token", value: session.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "verify-progress-secret-verify-progress";

const row = (tenantId: string, i: number): RequestRecordRow => ({
  id: `req_${unique()}_${i}`, tenantId, apiKeyId: null, userId: null, endpointId: null, endpointName: "chat", modelVersionId: null,
  route: "chat.completions", stream: false, inputHash: null, inputTokens: 10 + i, outputTokens: 5, tokensEstimated: false,
  costUsd: "0.00100000", latencyMs: 20, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: new Date(),
});

/** A tenant with `records` request records (the first `sealed` of them in seals of 3), two prompts and its auditor. */
async function busyTenant(records: number, sealed: number) {
  const tenant = await seedTenant();
  const { user } = await seedMember(tenant, "AUDITOR");
  const writer = new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));
  await Promise.all(Array.from({ length: sealed }, (_, i) => writer.write(row(tenant.id, i))));
  await sleep(5);
  while (await sealTenantRequests(getDatabase().pool, tenant.id, { marginMs: 0, batchSize: 3 }));
  await Promise.all(Array.from({ length: records - sealed }, (_, i) => writer.write(row(tenant.id, sealed + i))));
  await seedPrompt(tenant, { versions: [{}, {}] });
  await seedPrompt(tenant);
  return { tenant, user };
}

async function sessionOf(user: { id: string }) {
  const u = await db().user.findUniqueOrThrow({ where: { id: user.id } });
  return encode({ token: { uid: u.id, sv: u.sessionVersion, email: u.email }, secret: process.env.NEXTAUTH_SECRET! });
}

async function signInAs(user: { id: string }) {
  session.cookie = await sessionOf(user);
}

const ask = (slug: string, query = "", headers: Record<string, string> = {}) =>
  verifyRoute(new Request(`http://keel.test/api/t/${slug}/audit/verify${query}`, { headers }), { params: Promise.resolve({ tenant: slug }) });

type Line = ({ type: "progress" } & VerifyProgress) | ({ type: "verdict"; recordedAs: number } & TrailsVerdict) | { type: "error"; message: string };
const linesOf = async (res: Response) => (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Line);

/**
 * Each part's reports in order: `done` never goes back, the last has `done` = `total`, and the parts
 * come audit, requests, prompts; from 0, unless the caller joined a run under way.
 */
function expectSteadyProgress(reports: VerifyProgress[], totals: Record<VerifyProgress["phase"], number>, fromStart = true) {
  expect([...new Set(reports.map((p) => p.phase))]).toEqual(["audit", "requests", "prompts"]);
  for (const phase of ["audit", "requests", "prompts"] as const) {
    const mine = reports.filter((p) => p.phase === phase);
    if (fromStart || phase !== "audit") expect(mine[0].done, phase).toBe(0);
    for (let i = 1; i < mine.length; i++) expect(mine[i].done, phase).toBeGreaterThanOrEqual(mine[i - 1].done);
    expect(mine.at(-1), phase).toMatchObject({ phase, done: totals[phase], total: totals[phase] });
  }
}

const verifiedEvents = (tenantId: string) => db().auditEvent.findMany({ where: { tenantId, action: VERIFIED_ACTION }, orderBy: { seq: "asc" } });

describe("verification progress", () => {
  it("reports each part's progress, done rising to the total, for every caller sharing the run", async () => {
    const { tenant } = await busyTenant(11, 6);
    const events = await db().auditEvent.count({ where: { tenantId: tenant.id } });
    const first: VerifyProgress[] = [];
    const second: VerifyProgress[] = [];
    const run = verifyTrails(db(), tenant.id, { onProgress: (p) => first.push(p) });
    await sleep(0);
    // A second caller joins the run under way: the same run, and its progress too.
    expect(verifyTrails(db(), tenant.id, { onProgress: (p) => second.push(p) })).toBe(run);
    expect(await run).toMatchObject({ audit: { ok: true, checked: events }, requests: { ok: true, sealed: 6, seals: 2, unsealed: 5 }, prompts: { ok: true, prompts: 2 } });
    const totals = { audit: events, requests: 11, prompts: 2 };
    expectSteadyProgress(first, totals);
    expectSteadyProgress(second, totals, false);
  });

  it("reports the records actually read as the total when the estimate was off", async () => {
    const { tenant } = await busyTenant(4, 3);
    // A record the seal lists deleted (behind Keel's back): the seals still count it.
    const [{ recordIds }] = await db().requestSeal.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: "asc" } });
    await asSuperuser(handle, [`DELETE FROM "RequestRecord" WHERE "id" = $1`, recordIds[0]]);
    const reports: VerifyProgress[] = [];
    const verdict = await verifyRequestRecords(db(), tenant.id, { onProgress: (p) => reports.push(p) });
    expect(verdict).toMatchObject({ ok: false, problem: { kind: "deleted", recordId: recordIds[0] } });
    expect(reports[0]).toEqual({ phase: "requests", done: 0, total: 4 });
    expect(reports.at(-1)).toEqual({ phase: "requests", done: 3, total: 3 });
  });
});

describe("GET /api/t/[tenant]/audit/verify", () => {
  it("streams progress lines, then the verdict, and records the verification as the caller's event", async () => {
    const { tenant, user } = await busyTenant(7, 3);
    const events = await db().auditEvent.count({ where: { tenantId: tenant.id } });
    await signInAs(user);
    const res = await ask(tenant.slug, "?progress=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = await linesOf(res);
    const verdict = lines.at(-1)!;
    expect(lines.slice(0, -1).every((l) => l.type === "progress")).toBe(true);
    expectSteadyProgress(lines.slice(0, -1) as VerifyProgress[], { audit: events, requests: 7, prompts: 2 });
    expect(verdict).toMatchObject({
      type: "verdict",
      audit: { ok: true, checked: events, signedHead: { seq: events, valid: true } },
      requests: { ok: true, sealed: 3, unsealed: 4 },
      recordedAs: events + 1,
    });

    const [event] = await verifiedEvents(tenant.id);
    expect(event).toMatchObject({
      seq: events + 1, actorType: "USER", actorId: user.id, actorLabel: user.email, resourceType: "audit_trail", ip: "198.51.100.7", userAgent: "verify-progress",
      after: {
        ok: true,
        audit: { ok: true, checked: events, headSeq: events },
        requests: { ok: true, sealed: 3, seals: 1, unsealed: 4 },
        prompts: { ok: true, prompts: 2, versions: 3 },
      },
    });
    // The event is in the chain like any other: the next verification vouches for it.
    const again = await linesOf(await ask(tenant.slug, "", { accept: "application/x-ndjson" }));
    expect(again.at(-1)).toMatchObject({ type: "verdict", audit: { ok: true, checked: events + 1 }, recordedAs: events + 2 });
  });

  it("answers one JSON verdict without progress, as before, and records it too", async () => {
    const { tenant, user } = await busyTenant(2, 0);
    await signInAs(user);
    const res = await ask(tenant.slug);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ audit: { ok: true }, requests: { ok: true, unsealed: 2 }, prompts: { ok: true } });
    expect((await verifiedEvents(tenant.id)).map((e) => e.seq)).toEqual([body.recordedAs]);
  });

  it("gives two callers of one run each the progress and the verdict, and records one event for each", async () => {
    const { tenant, user } = await busyTenant(5, 3);
    const other = (await seedMember(tenant, "OWNER")).user;
    const [minesSession, theirsSession] = [await sessionOf(user), await sessionOf(other)];
    session.cookie = minesSession;
    const mine = ask(tenant.slug, "?progress=1");
    // The first request has read its session (microtasks only) before the second one's is set.
    await sleep(0);
    session.cookie = theirsSession;
    const theirs = ask(tenant.slug, "?progress=1");
    const [a, b] = await Promise.all([mine.then(linesOf), theirs.then(linesOf)]);
    for (const lines of [a, b]) {
      expect(lines.filter((l) => l.type === "progress").length).toBeGreaterThanOrEqual(3);
      expect(lines.at(-1)).toMatchObject({ type: "verdict", audit: { ok: true }, requests: { ok: true, sealed: 3, unsealed: 2 } });
    }
    const recorded = await verifiedEvents(tenant.id);
    expect(recorded.map((e) => e.actorId).sort()).toEqual([user.id, other.id].sort());
  });

  it("names the first broken link and records the failed verdict", async () => {
    const { tenant, user } = await busyTenant(3, 3);
    const edited = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 2 } });
    await asSuperuser(handle, [`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE "id" = $1`, edited.id]);
    await signInAs(user);
    const verdict = (await linesOf(await ask(tenant.slug, "?progress=1"))).at(-1);
    expect(verdict).toMatchObject({ type: "verdict", audit: { ok: false, checked: 1, broken: { seq: 2, eventId: edited.id, reason: expect.stringMatching(/was edited/) } } });
    const [event] = await verifiedEvents(tenant.id);
    expect(event.after).toMatchObject({ ok: false, audit: { ok: false, checked: 1, brokenAt: 2 } });
  });

  it("records nothing when the verification fails, and says so without the error's details", async () => {
    const { tenant, user } = await busyTenant(2, 0);
    await signInAs(user);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await asSuperuser(handle, [`ALTER TABLE "Prompt" RENAME TO "Prompt_away"`]);
    try {
      const lines = await linesOf(await ask(tenant.slug, "?progress=1"));
      expect(lines.at(-1)).toEqual({ type: "error", message: "Verification could not finish; nothing was recorded. Try again." });
      const json = await ask(tenant.slug);
      expect(json.status).toBe(500);
      expect(JSON.stringify(await json.json())).not.toMatch(/Prompt/);
    } finally {
      await asSuperuser(handle, [`ALTER TABLE "Prompt_away" RENAME TO "Prompt"`]);
      errors.mockRestore();
    }
    expect(await verifiedEvents(tenant.id)).toEqual([]);
  });
});

describe("copies of a record", () => {
  it("are named even when they fall on both sides of a page of the search for them", async () => {
    const tenant = await seedTenant();
    // A page and five records, ids in order, and a copy of the page's last one: the first page ends between the two.
    const last = COPY_SEARCH_PAGE - 1;
    const id = (i: number) => `c-${String(i).padStart(6, "0")}`;
    await asSuperuser(handle,
      [`INSERT INTO "RequestRecord" ("id","tenantId","route","latencyMs","status","createdAt")
        SELECT 'c-' || lpad(i::text, 6, '0'), $1, 'chat.completions', 5, 200, now() FROM generate_series(0, $2::int) i`, tenant.id, COPY_SEARCH_PAGE + 4],
      [`ALTER TABLE "RequestRecord" DROP CONSTRAINT "RequestRecord_pkey"`],
      [`INSERT INTO "RequestRecord" ("id","tenantId","route","latencyMs","status","createdAt") VALUES ($2, $1, 'chat.completions', 5, 200, now())`, tenant.id, id(last)],
    );
    try {
      const verdict = await verifyRequestRecords(db(), tenant.id);
      expect(verdict.problems[0]).toMatchObject({ kind: "inserted", recordId: id(last), reason: expect.stringMatching(/stored 2 times/) });
      expect(verdict.problems.filter((p) => /stored/.test(p.reason))).toHaveLength(1);
    } finally {
      await asSuperuser(handle,
        [`DELETE FROM "RequestRecord" WHERE "tenantId" = $1`, tenant.id],
        [`ALTER TABLE "RequestRecord" ADD CONSTRAINT "RequestRecord_pkey" PRIMARY KEY ("id")`],
      );
    }
  });
});
