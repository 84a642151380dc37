import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { activateVersion, addVersion, createEndpoint } from "@/lib/endpoints/actions";
import { RecordWriter, recordInserter, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { createProvider } from "@/lib/providers/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { callerFor, seedMember, seedTenant, unique } from "@/lib/testing/factories";
import { seedApiKey } from "@/lib/testing/gateway-factories";
import { findRequestDetail } from "../request-detail";
import { activationOf, findChangeEvent, idsOf, labelIds, versionCallers } from "./answers";
import { compareCursors, decodeCursor, encodeCursor } from "./cursor";
import { cursorOf, exploreTrail, type TrailRow } from "./data";
import { parseExplorerParams, type TrailFilters } from "./filters";

/** The audit explorer's reads: one time line of changes and requests, filtered and paged by keyset, tried as an attacker would. */
useTestDatabase();

const prices = { inputPricePerMTok: "0.15", outputPricePerMTok: "0.60" };

async function tenantWithHistory() {
  const tenant = await seedTenant();
  const { user: owner } = await seedMember(tenant, "OWNER");
  const { user: dev } = await seedMember(tenant, "DEVELOPER");
  const p = await createProvider.runAs(callerFor(owner), { tenant: tenant.slug, name: "OpenAI", baseUrl: "https://api.openai.com/v1/", apiKey: "sk-test-123" });
  if (!p.ok) throw new Error(p.error);
  const version = (label: string) => ({ label, providerId: p.data.providerId, providerModel: "gpt-4o-mini", params: "{}" });
  const c = await createEndpoint.runAs(callerFor(owner), { tenant: tenant.slug, name: "chat", kind: "CHAT", ...version("v1"), ...prices });
  if (!c.ok) throw new Error(c.error);
  const v1 = (await db().endpoint.findUniqueOrThrow({ where: { id: c.data.endpointId } })).activeVersionId!;
  const v2 = await addVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId: c.data.endpointId, ...version("v2") });
  if (!v2.ok) throw new Error(v2.error);
  const beforeActivation = new Date();
  await new Promise((r) => setTimeout(r, 5));
  const a = await activateVersion.runAs(callerFor(dev), { tenant: tenant.slug, endpointId: c.data.endpointId, versionId: v2.data.versionId });
  if (!a.ok) throw new Error(a.error);
  const key = await seedApiKey(tenant);
  const events = await db().auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: "asc" } });
  return { tenant, owner, dev, endpointId: c.data.endpointId, v1, v2: v2.data.versionId, keyId: key.key.id, events, beforeActivation };
}

const writer = () => new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));
const record = (tenantId: string, over: Partial<RequestRecordRow>): RequestRecordRow => ({
  id: `req_${unique()}${unique()}`, tenantId, apiKeyId: null, userId: null, endpointId: null, endpointName: "chat", modelVersionId: null,
  route: "chat.completions", stream: false, inputHash: crypto.randomBytes(32).toString("hex"), inputTokens: 10, outputTokens: 5,
  tokensEstimated: false, costUsd: "0.00000100", latencyMs: 20, ttftMs: null, status: 200, errorCode: null, attempts: 1, createdAt: new Date(), ...over,
});
async function write(rows: RequestRecordRow[]) {
  const w = writer();
  await Promise.all(rows.map((r) => w.write(r)));
  return rows;
}

const ALL: TrailFilters = { kind: "all" };
const keyOf = (r: TrailRow) => `${r.kind}:${r.id}`;

/** Every row of a view, page by page forward, and the pages it went through. */
async function walk(tenantId: string, filters: TrailFilters, order: "asc" | "desc", size: number) {
  const pages: TrailRow[][] = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const page = await exploreTrail({ tenantId }, filters, { order, cursor, back: false, size });
    pages.push(page.rows);
    if (!page.next) break;
    cursor = page.next;
  }
  return pages;
}

describe("the audit explorer", () => {
  it("pages changes and requests as one time line, without repeating or skipping a row, forward and back, at ties of a millisecond too", async () => {
    const h = await tenantWithHistory();
    // Requests at the very milliseconds of the changes, and several at one millisecond.
    const at = (ms: number) => new Date(h.events[0].createdAt.getTime() + ms);
    const rows = await write([
      ...h.events.map((e) => record(h.tenant.id, { createdAt: e.createdAt })),
      ...Array.from({ length: 6 }, () => record(h.tenant.id, { createdAt: at(1) })),
      ...Array.from({ length: 9 }, (_, i) => record(h.tenant.id, { createdAt: at(-1000 + i * 50) })),
    ]);
    const expected = [...h.events.map((e) => ({ at: e.createdAt, rank: 0 as const, id: e.id })), ...rows.map((r) => ({ at: r.createdAt as Date, rank: 1 as const, id: r.id }))];
    const total = expected.length;

    for (const order of ["desc", "asc"] as const) {
      const pages = await walk(h.tenant.id, ALL, order, 4);
      const seen = pages.flat();
      expect(seen.length, order).toBe(total);
      expect(new Set(seen.map(keyOf)).size).toBe(total);
      for (let i = 1; i < seen.length; i++) {
        const c = compareCursors(cursorOf(seen[i - 1]), cursorOf(seen[i]));
        expect(order === "desc" ? c > 0 : c < 0, `${order} row ${i}`).toBe(true);
      }
      // Back from the last page, page by page, gives the same pages.
      let cursor = cursorOf(pages[pages.length - 1][0]);
      for (let p = pages.length - 2; p >= 0; p--) {
        const back = await exploreTrail({ tenantId: h.tenant.id }, ALL, { order, cursor, back: true, size: 4 });
        expect(back.rows.map(keyOf), `${order} page ${p}`).toEqual(pages[p].map(keyOf));
        expect(back.prev === null, `${order} page ${p} is first`).toBe(p === 0);
        cursor = cursorOf(back.rows[0]);
      }
    }
    // A cursor survives its trip through a URL.
    const c = cursorOf((await walk(h.tenant.id, ALL, "desc", 3))[1][2]);
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor("not-a-cursor")).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify([1, 2, "x"])).toString("base64url"))).toBeNull();
    // A crafted time the database cannot read back is no cursor (it failed the query: a 500); the oldest and newest it can read are.
    for (const ms of [8.64e15, -8.64e15, Date.UTC(10000, 0, 1), Date.parse("0001-01-01T00:00:00Z") - 1]) {
      expect(decodeCursor(Buffer.from(JSON.stringify([ms, 0, "x"])).toString("base64url")), String(ms)).toBeNull();
    }
    for (const ms of [Date.parse("0001-01-01T00:00:00Z"), Date.UTC(10000, 0, 1) - 1]) {
      const edge = decodeCursor(Buffer.from(JSON.stringify([ms, 0, "x"])).toString("base64url"));
      expect(edge?.at.getTime()).toBe(ms);
      await exploreTrail({ tenantId: h.tenant.id }, ALL, { order: "desc", cursor: edge, back: false, size: 2 });
    }
  });

  it("filters by version, actor, endpoint, outcome, request id, input hash, end user and time, each in the database", async () => {
    const h = await tenantWithHistory();
    const t0 = Date.now() - 60_000;
    const hash = crypto.randomBytes(32).toString("hex");
    const rows = await write([
      record(h.tenant.id, { apiKeyId: h.keyId, endpointId: h.endpointId, modelVersionId: h.v1, createdAt: new Date(t0) }),
      record(h.tenant.id, { apiKeyId: h.keyId, endpointId: h.endpointId, modelVersionId: h.v2, createdAt: new Date(t0 + 1000), inputHash: hash, endUser: "ada" }),
      record(h.tenant.id, { apiKeyId: h.keyId, endpointId: h.endpointId, modelVersionId: h.v2, createdAt: new Date(t0 + 2000), status: 429, errorCode: "rate_limited", endUser: "ada" }),
      record(h.tenant.id, { userId: h.dev.id, endpointId: h.endpointId, modelVersionId: h.v2, createdAt: new Date(t0 + 3000), inputHash: hash }),
      record(h.tenant.id, { apiKeyId: h.keyId, createdAt: new Date(t0 + 4000), status: 404, errorCode: "model_not_found", endpointName: "nope" }),
    ]);
    const ids = async (f: Partial<TrailFilters>) => (await walk(h.tenant.id, { kind: "all", ...f }, "asc", 50)).flat().map(keyOf);
    const req = (...i: number[]) => i.map((n) => `request:${rows[n].id}`);

    expect(await ids({ kind: "requests", versionId: h.v2 })).toEqual(req(1, 2, 3));
    // A version's changes come too: the events of its endpoint that name it.
    const v2Changes = (await ids({ kind: "changes", versionId: h.v2 })).map((k) => h.events.find((e) => `change:${e.id}` === k)!.action);
    expect(v2Changes).toEqual(["endpoint.version_added", "endpoint.version_activated"]);
    expect(await ids({ kind: "requests", actor: { type: "key", id: h.keyId } })).toEqual(req(0, 1, 2, 4));
    expect(await ids({ kind: "requests", actor: { type: "user", id: h.dev.id } })).toEqual(req(3));
    const devChanges = (await ids({ kind: "changes", actor: { type: "user", id: h.dev.id } })).length;
    expect(devChanges).toBe(h.events.filter((e) => e.actorId === h.dev.id).length);
    expect(devChanges).toBe(2);
    expect(await ids({ kind: "requests", endpointId: h.endpointId })).toEqual(req(0, 1, 2, 3));
    expect(await ids({ outcome: { kind: "error" } })).toEqual(req(2, 4));
    expect(await ids({ outcome: { kind: "ok" } })).toEqual(req(0, 1, 3));
    expect(await ids({ outcome: { kind: "status", status: 429 } })).toEqual(req(2));
    expect(await ids({ outcome: { kind: "code", code: "model_not_found" } })).toEqual(req(4));
    expect(await ids({ requestId: rows[2].id })).toEqual(req(2));
    expect(await ids({ inputHash: hash })).toEqual(req(1, 3));
    expect(await ids({ endUser: "ada" })).toEqual(req(1, 2));
    expect(await ids({ endUser: "Ada" })).toEqual([]);
    expect(await ids({ kind: "requests", from: new Date(t0 + 1000), to: new Date(t0 + 3000) })).toEqual(req(1, 2, 3));
    expect(await ids({ action: "endpoint" })).toHaveLength(3);
    expect(await ids({ action: "endpoint.version_activated" })).toEqual([`change:${h.events.find((e) => e.action === "endpoint.version_activated")!.id}`]);
    expect(await ids({ resource: { type: "endpoint", id: h.endpointId } })).toHaveLength(3);

    // "Who used version 2 between T1 and T2", and "who activated the version that answered".
    const callers = await versionCallers({ tenantId: h.tenant.id }, h.v2, { from: new Date(t0), to: new Date(t0 + 2500) });
    expect(callers).toEqual([expect.objectContaining({ apiKeyId: h.keyId, userId: null, requests: 2, errors: 1 })]);
    const labels = await labelIds({ tenantId: h.tenant.id }, idsOf([], callers));
    expect(Object.keys(labels.keys)).toEqual([h.keyId]);
    const activation = await activationOf({ tenantId: h.tenant.id }, h.v2, new Date());
    expect(activation).toMatchObject({ action: "endpoint.version_activated", actorLabel: h.dev.email });
    expect(await activationOf({ tenantId: h.tenant.id }, h.v2, h.beforeActivation)).toBeNull();
    expect(await activationOf({ tenantId: h.tenant.id }, h.v1, new Date())).toMatchObject({ action: "endpoint.created", actorLabel: h.owner.email });
  });

  it("shows another tenant nothing, whichever of this tenant's ids it puts in its filters", async () => {
    const h = await tenantWithHistory();
    const other = await tenantWithHistory();
    const [mine] = await write([record(h.tenant.id, { apiKeyId: h.keyId, endpointId: h.endpointId, modelVersionId: h.v2, endUser: "ada" })]);
    const theirs = { tenantId: other.tenant.id };
    const filters: Partial<TrailFilters>[] = [
      { versionId: h.v2 }, { endpointId: h.endpointId }, { actor: { type: "key", id: h.keyId } }, { actor: { type: "user", id: h.dev.id } },
      { requestId: mine.id }, { inputHash: mine.inputHash! }, { resource: { type: "endpoint", id: h.endpointId } }, { endUser: "ada" },
    ];
    for (const f of filters) {
      expect((await exploreTrail(theirs, { kind: "all", ...f }, { order: "desc", cursor: null, back: false, size: 50 })).rows, JSON.stringify(f)).toEqual([]);
    }
    // Their unfiltered view holds only their own rows, even past a cursor made from ours.
    const cursor = { at: new Date(), rank: 1 as const, id: mine.id };
    const view = await exploreTrail(theirs, ALL, { order: "desc", cursor, back: false, size: 50 });
    expect(view.rows.every((r) => r.kind === "request" || other.events.some((e) => e.id === r.id))).toBe(true);
    expect(view.rows.some((r) => r.id === mine.id || h.events.some((e) => e.id === r.id))).toBe(false);
    // Names, callers, activations, events and records of this tenant stay out of theirs.
    const labels = await labelIds(theirs, { keyIds: new Set([h.keyId]), userIds: new Set([h.dev.id]), versionIds: new Set([h.v2]) });
    expect(labels).toEqual({ keys: {}, users: {}, versions: {} });
    expect(await versionCallers(theirs, h.v2, {})).toEqual([]);
    expect(await activationOf(theirs, h.v2, new Date())).toBeNull();
    const event = await findChangeEvent(theirs, h.events[h.events.length - 1].seq);
    expect(event?.tenantId ?? other.tenant.id).toBe(other.tenant.id);
    expect(await findRequestDetail({ tenantId: other.tenant.id, userId: other.owner.id, role: "OWNER" }, mine.id)).toBeNull();
  });

  it("refuses a bad filter by name and queries nothing", () => {
    const bad = parseExplorerParams({ from: "yesterday", input: "xyz", actor: "root", outcome: "drop table", kind: "everything", open: "r:", user: "a\u0000b" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(["actor", "from", "input", "kind", "open", "outcome", "user"]);
    expect(parseExplorerParams({ user: "x".repeat(257) }).ok).toBe(false);
    expect(parseExplorerParams({ user: " ada 😀 " })).toMatchObject({ ok: true, filters: { endUser: " ada 😀 " } });
    const reversed = parseExplorerParams({ from: "2026-12-02T10:00", to: "2026-12-01T10:00" });
    expect(reversed).toMatchObject({ ok: false, errors: { to: ["From must be before To"] } });
    const good = parseExplorerParams({ from: "2026-12-01T10:00", actor: "key:abc", outcome: "429", action: "endpoint" });
    expect(good).toMatchObject({ ok: true, filters: { from: new Date("2026-12-01T10:00:00Z"), actor: { type: "key", id: "abc" }, outcome: { kind: "status", status: 429 } } });
  });
});
