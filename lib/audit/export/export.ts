import "server-only";
import crypto from "node:crypto";
import { db, getDatabase } from "@/lib/db/client";
import { keysFromEnv } from "@/lib/secrets/key-spec";
import type { RouteContext } from "@/lib/tenancy/route";
import { legacyRecordsUntil } from "../legacy";
import { canonicalRecord, checkRecordMac, deriveMacKeys } from "../request-record-hash";
import { recordRouteAudit } from "../route-audit";
import { sealTenantRequests } from "../seal-requests";
import { exploreTrail, cursorOf, type ChangeRow, type RequestRow, type TrailRow } from "../explorer/data";
import type { TrailFilters } from "../explorer/filters";
import { CSV_HEADER, formatRow, type ExportChange, type ExportFormat, type ExportHead, type ExportRequest, type ExportRow } from "./format";

export const EXPORT_ACTION = "audit.exported";
/** Rows read per query: big enough that the per-query cost fades, small enough to keep memory flat. */
const PAGE = 1000;

/** What the export's own audit event records: enough for the manifest to vouch for the file. */
export type ExportClaim = {
  format: ExportFormat;
  filter: Record<string, string>;
  order: "asc" | "desc";
  /** Rows up to this time (the export's start), so traffic meanwhile cannot make it endless. */
  until: string;
  rows: number;
  changes: number;
  requests: number;
  /** Request rows no seal covered yet when they were exported. */
  unsealed: number;
  /** SHA-256 of the file's bytes, as sent. */
  sha256: string;
  bytes: number;
  /** The seals that cover the request rows, by seq. */
  seals: number[];
  /**
   * Request rows whose MAC did not match their content as exported, or stored twice (edited or
   * inserted in the database), and the first ids of them. Only Keel holds the MAC key, so it checks each row as
   * it leaves; the offline verifier fails an export that names any.
   */
  unauthenticated: number;
  unauthenticatedIds: string[];
  /** False when the download stopped before the last row. */
  complete: boolean;
};

export type ExportRequester = Pick<RouteContext, "tenantId" | "userId" | "userEmail" | "caller">;

export type ExportRequestInfo = {
  filters: TrailFilters;
  /** The filters as the URL gave them, recorded in the event. */
  filterParams: Record<string, string>;
  format: ExportFormat;
  order: "asc" | "desc";
  /** Who asked, as tenantRoute resolved them: the export's event is theirs, in their membership's tenant. */
  by: ExportRequester;
  /** When the export started: rows after it are left out, and the file and its manifest are named by it. */
  until: Date;
};

/** The file name of an export and of its manifest, from the tenant and the export's start. */
export function exportFileName(tenantSlug: string, until: Date | string, part: ExportFormat | "manifest"): string {
  const stamp = new Date(until).toISOString().replace(/\.\d{3}Z$/, "Z").replaceAll(/[-:]/g, "");
  return `keel-audit-${tenantSlug}-${stamp}.${part === "manifest" ? "manifest.jsonl" : part}`;
}

/**
 * A filtered view of the trail as a file, streamed page by page (memory stays flat whatever its
 * size), hashed as it leaves. When the last byte is out, or the download is abandoned, the export
 * is itself recorded in the chain (`audit.exported`) with the file's digest, its row count and the
 * seals that cover it; that event's signed head is what the manifest's verifier trusts.
 */
export function streamExport(info: ExportRequestInfo, onRecorded?: (seq: number) => void): ReadableStream<Uint8Array> | null {
  const release = takeExportSlot(info.by.tenantId);
  if (!release) return null;
  const until = info.until;
  const filters: TrailFilters = { ...info.filters, to: info.filters.to && info.filters.to < until ? info.filters.to : until };
  const digest = crypto.createHash("sha256");
  const seals = new Set<number>();
  const claim: ExportClaim = {
    format: info.format, filter: info.filterParams, order: info.order, until: until.toISOString(),
    rows: 0, changes: 0, requests: 0, unsealed: 0, sha256: "", bytes: 0, seals: [], unauthenticated: 0, unauthenticatedIds: [], complete: false,
  };
  const encoder = new TextEncoder();
  let cursor: ReturnType<typeof cursorOf> | null = null;
  let legacyUntil: string | null = null;
  let started = false;
  let finished = false;
  let cancelled = false;

  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    const bytes = encoder.encode(text);
    digest.update(bytes);
    claim.bytes += bytes.length;
    controller.enqueue(bytes);
  };
  const record = async (complete: boolean) => {
    if (finished) return;
    finished = true;
    release();
    claim.complete = complete;
    claim.sha256 = digest.digest("hex");
    claim.seals = [...seals].sort((a, b) => a - b);
    const event = await recordRouteAudit(info.by, { action: EXPORT_ACTION, resourceType: "audit_export", resourceId: null, after: claim });
    onRecorded?.(event.seq);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          await sealDue(info.by.tenantId);
          legacyUntil = await legacyRecordsUntil(db(), info.by.tenantId);
          if (info.format === "csv") send(controller, CSV_HEADER);
        }
        const page = await exploreTrail({ tenantId: info.by.tenantId }, filters, { order: info.order, cursor, back: false, size: PAGE });
        const { rows, forged } = await proven(info.by.tenantId, page.rows, legacyUntil);
        // The download was abandoned (and recorded) while this page was read.
        if (finished) return;
        claim.unauthenticated += forged.length;
        for (const id of forged) if (claim.unauthenticatedIds.length < MAX_NAMED_FORGED) claim.unauthenticatedIds.push(id);
        let text = "";
        for (const row of rows) {
          text += formatRow(info.format, row);
          claim.rows += 1;
          if (row.kind === "change") claim.changes += 1;
          else {
            claim.requests += 1;
            if (row.seal === null) claim.unsealed += 1;
            else seals.add(row.seal);
          }
        }
        if (text) send(controller, text);
        if (!page.next) {
          await record(true);
          if (!cancelled) controller.close();
          return;
        }
        cursor = page.next;
      } catch (error) {
        if (cancelled) return;
        console.error("[audit] export failed:", error);
        await record(false).catch(() => {});
        controller.error(error);
      }
    },
    async cancel() {
      cancelled = true;
      await record(false).catch((error) => console.error("[audit] could not record an abandoned export:", error));
    },
  });
}

/** Seals at most this many batches before an export starts: the sealer keeps up, so more means a backlog the export need not wait for. */
const SEALS_BEFORE_EXPORT = 20;

/**
 * Seals the records that are due (older than the sealer's margin) before the export reads them,
 * so its request rows are covered by seals rather than by the export's own digest alone.
 */
async function sealDue(tenantId: string) {
  for (let i = 0; i < SEALS_BEFORE_EXPORT; i++) if (!(await sealTenantRequests(getDatabase().pool, tenantId))) return;
}

/**
 * Exports a tenant may run at once in this process. Each reads the whole view once, a query per
 * page: on the embedded database, in Keel's own thread, a crowd of them would slow the gateway.
 */
export const MAX_EXPORTS_PER_TENANT = 2;
const running = new Map<string, number>();

function takeExportSlot(tenantId: string): (() => void) | null {
  const n = running.get(tenantId) ?? 0;
  if (n >= MAX_EXPORTS_PER_TENANT) return null;
  running.set(tenantId, n + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (running.get(tenantId) ?? 1) - 1;
    if (left > 0) running.set(tenantId, left);
    else running.delete(tenantId);
  };
}

/** Ids of unauthenticated request rows an export's claim names, at most. */
const MAX_NAMED_FORGED = 20;

const macKeys = keysFromEnv("KEEL_AUDIT_SIGNING_KEY", deriveMacKeys);

/**
 * A page's rows with what proves them: each change's signed head, each request's seal. Also the
 * ids of request rows whose MAC does not match them as exported, or that repeat the row before: a
 * seal alone cannot tell, since a record edited and moved out of the seals' ranges is exported as
 * unsealed, or sealed again as edited, and in a filtered export its first seal is not in the manifest.
 */
async function proven(tenantId: string, rows: TrailRow[], legacyUntil: string | null): Promise<{ rows: ExportRow[]; forged: string[] }> {
  const changes = rows.filter((r): r is ChangeRow => r.kind === "change");
  const requests = rows.filter((r): r is RequestRow => r.kind === "request");
  const [heads, sealOf] = await Promise.all([headsOf(tenantId, changes.map((c) => c.seq)), sealsOf(tenantId, requests)]);
  const forged: string[] = [];
  let previousId: string | null = null;
  const out = rows.map((r): ExportRow => {
    if (r.kind === "change") return exportChange(r, heads.get(r.seq) ?? null);
    const row: ExportRequest = {
      kind: "request", id: r.id, tenantId: r.tenantId, apiKeyId: r.apiKeyId, userId: r.userId, endpointId: r.endpointId, endpointName: r.endpointName,
      modelVersionId: r.modelVersionId, route: r.route, stream: r.stream, inputHash: r.inputHash, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
      tokensEstimated: r.tokensEstimated, costUsd: r.costUsd, latencyMs: r.latencyMs, ttftMs: r.ttftMs, status: r.status, errorCode: r.errorCode,
      attempts: r.attempts, createdAt: r.at.toISOString(), finishReason: r.finishReason, routedVersionId: r.routedVersionId, endUser: r.endUser, seal: sealOf.get(r.id) ?? null,
    };
    const check = checkRecordMac(macKeys(), canonicalRecord(row), r.mac);
    // A MAC-less record the hardening migration found passes where a seal vouches for it (which the verifier checks), nowhere else.
    const legacy = check === "missing" && row.seal !== null && legacyUntil !== null && r.insertedAt <= legacyUntil;
    // An exact copy (stored once the primary key was dropped) has a valid MAC, and sorts right after its original.
    const copy = previousId === r.id;
    previousId = r.id;
    if ((check !== "ok" && !legacy) || copy) forged.push(r.id);
    return row;
  });
  return { rows: out, forged };
}

/** A change event as exports and manifests carry it: its chained content, links and signed head. */
export function exportChange(e: Omit<ChangeRow, "kind" | "at"> & { at?: Date; createdAt?: Date }, head: ExportHead | null): ExportChange {
  const createdAt = (e.createdAt ?? e.at)!.toISOString();
  return {
    kind: "change", id: e.id, tenantId: e.tenantId, seq: e.seq, actorType: e.actorType, actorId: e.actorId, actorLabel: e.actorLabel,
    action: e.action, resourceType: e.resourceType, resourceId: e.resourceId, before: e.before ?? null, after: e.after ?? null, ip: e.ip,
    userAgent: e.userAgent, requestId: e.requestId, createdAt, prevHash: e.prevHash, hash: e.hash, head,
  };
}

export async function headsOf(tenantId: string, seqs: number[]): Promise<Map<number, ExportHead>> {
  if (seqs.length === 0) return new Map();
  const heads = await db().auditHead.findMany({ where: { tenantId, seq: { in: seqs } }, select: { seq: true, keyId: true, signature: true, signedAt: true } });
  return new Map(heads.map((h) => [h.seq, { keyId: h.keyId, signature: h.signature, signedAt: h.signedAt.toISOString() }]));
}

/**
 * The seal whose range, in (insertedAt, id) order, holds each record: one index probe per record
 * on (tenantId, lastInsertedAt, lastId). Whether the seal lists the record is left to the
 * verifier, which finds the record's leaf among the seal's leaves or reports it.
 */
async function sealsOf(tenantId: string, records: RequestRow[]): Promise<Map<string, number>> {
  if (records.length === 0) return new Map();
  const rows = await db().$queryRaw<{ id: string; seq: number }[]>`
    SELECT r."id", s."seq" FROM unnest(${records.map((r) => r.id)}::text[], ${records.map((r) => r.insertedAt)}::timestamptz[]) AS r("id", "ins")
    CROSS JOIN LATERAL (
      SELECT "seq", "firstInsertedAt", "firstId" FROM "RequestSeal"
      WHERE "tenantId" = ${tenantId} AND ("lastInsertedAt", "lastId") >= (r."ins", r."id")
      ORDER BY "lastInsertedAt", "lastId" LIMIT 1
    ) s
    WHERE (s."firstInsertedAt", s."firstId") <= (r."ins", r."id")`;
  return new Map(rows.map((r) => [r.id, r.seq]));
}
