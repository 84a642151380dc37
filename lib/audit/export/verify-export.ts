import crypto from "node:crypto";
import { chainHash } from "../chain";
import { canonicalRecord, merkleRoot, recordLeaf } from "../request-record-hash";
import { verifyHead, type AuditPublicKeys } from "../signer";
import { csvColumnsFor, parseCsvRow, readCsvRecord, type ExportChange, type ExportFormat, type ExportRow } from "./format";

/**
 * Checks an audit export offline, with Keel's public key alone: the manifest's events against
 * their hashes and signed heads, each seal's leaves against its signed root, the file's bytes
 * against the digest the export's signed event holds, and every row against its own proof (a
 * change against its hash and signed head, a request against its seal's leaves). No database, no
 * secret: what an auditor runs on their own machine.
 */
export type ExportVerdict = {
  ok: boolean;
  /** What failed, each naming the row (1 = the first data row) or the part of the manifest. */
  problems: string[];
  more: boolean;
  rows: number;
  changes: number;
  requests: number;
  sealed: number;
  /** Request rows that no seal covered when exported: vouched for by the export's signed digest alone. */
  unsealed: number;
  /** The export's signed event: who made it, when, and the view it claims to hold (filters as the URL gave them, rows up to `until`). */
  export: { seq: number; by: string | null; at: string; complete: boolean; filter: Record<string, string>; order: string; until: string } | null;
  head: { seq: number; keyId: string } | null;
};

type Claim = {
  format: ExportFormat; filter: Record<string, string>; order: string; until: string; rows: number; changes: number; requests: number; sha256: string; bytes: number; seals: number[]; complete: boolean;
  /** Request rows whose MAC Keel found not to match as it exported them, and the first of their ids (see ExportClaim). */
  unauthenticated?: number; unauthenticatedIds?: string[];
};

const MAX_PROBLEMS = 50;

export async function verifyExport(file: AsyncIterable<Buffer>, manifestText: string, keys: AuditPublicKeys): Promise<ExportVerdict> {
  const v: ExportVerdict = { ok: true, problems: [], more: false, rows: 0, changes: 0, requests: 0, sealed: 0, unsealed: 0, export: null, head: null };
  const report = (p: string) => {
    v.ok = false;
    if (v.problems.length < MAX_PROBLEMS) v.problems.push(p);
    else v.more = true;
  };
  const manifest = readManifest(manifestText, keys, report);
  if (!manifest) return v;
  const { exportEvent, claim, leafSeal } = manifest;
  v.export = {
    seq: exportEvent.seq, by: exportEvent.actorLabel, at: exportEvent.createdAt, complete: claim.complete,
    filter: claim.filter ?? {}, order: String(claim.order), until: String(claim.until),
  };
  v.head = manifest.head;
  if (!claim.complete) report("manifest: the export was abandoned before its last row; the file is incomplete");
  const forged = new Set(Array.isArray(claim.unauthenticatedIds) ? claim.unauthenticatedIds : []);
  if (typeof claim.unauthenticated !== "number") report("manifest: the signed export does not say that Keel checked its request rows' MACs");
  else if (claim.unauthenticated > 0) {
    report(`manifest: Keel found ${claim.unauthenticated} request row(s) whose MAC did not match their content, or stored twice, as it exported them: edited or inserted in the database`);
  }

  const digest = crypto.createHash("sha256");
  let bytes = 0;
  const seen = (row: ExportRow, n: number) => {
    v.rows += 1;
    const where = row.kind === "change" ? `row ${n} (change #${row.seq})` : `row ${n} (request ${row.id})`;
    if (row.tenantId !== exportEvent.tenantId) report(`${where}: belongs to another tenant`);
    if (row.kind === "change") {
      v.changes += 1;
      const problem = checkEvent(row, keys);
      if (problem) report(`${where}: ${problem}`);
      return;
    }
    v.requests += 1;
    if (forged.has(row.id)) report(`${where}: when Keel exported it, its MAC did not match its content, or it was stored twice: it was edited or inserted in the database`);
    const leaf = recordLeaf(canonicalRecord(row)).toString("hex");
    const seal = leafSeal.get(leaf);
    if (row.seal === null) {
      v.unsealed += 1;
      return;
    }
    if (seal === undefined) report(`${where}: its content matches no leaf of seal #${row.seal}: it was altered, or Keel never sealed it`);
    else if (seal !== row.seal) report(`${where}: it says seal #${row.seal}, but its leaf is in seal #${seal}`);
    else v.sealed += 1;
  };

  const rows = claim.format === "csv" ? csvRows : jsonlRows;
  try {
    for await (const [row, n] of rows(tap(file, (b) => {
      digest.update(b);
      bytes += b.length;
    }))) {
      if (row instanceof Error) report(`row ${n}: ${row.message}`);
      else seen(row, n);
    }
  } catch (error) {
    report(`file: ${(error as Error).message}`);
  }
  const sha = digest.digest("hex");
  if (sha !== claim.sha256 || bytes !== claim.bytes) {
    report(`file: its bytes are not those Keel sent (SHA-256 ${sha.slice(0, 16)}…, ${bytes} bytes; the signed export says ${claim.sha256.slice(0, 16)}…, ${claim.bytes} bytes)`);
  }
  if (v.rows !== claim.rows) report(`file: ${v.rows} rows where the signed export holds ${claim.rows}: rows were removed or added`);
  else if (v.changes !== claim.changes || v.requests !== claim.requests) report(`file: the mix of changes and requests differs from the signed export's`);
  return v;
}

type Manifest = { exportEvent: ExportChange; claim: Claim; leafSeal: Map<string, number>; head: { seq: number; keyId: string } | null };

function readManifest(text: string, keys: AuditPublicKeys, report: (p: string) => void): Manifest | null {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  let header: { type?: unknown; version?: unknown; export?: ExportChange };
  try {
    header = JSON.parse(lines[0] ?? "");
  } catch {
    report("manifest: its first line is not JSON");
    return null;
  }
  if (header.type !== "keel-audit-export-manifest" || header.version !== 1 || !header.export) {
    report("manifest: it is not a Keel audit export manifest (version 1)");
    return null;
  }
  const exportEvent = header.export;
  const eventProblem = checkEvent(exportEvent, keys);
  if (eventProblem) {
    report(`manifest: the export's own event: ${eventProblem}`);
    return null;
  }
  if (exportEvent.action !== "audit.exported") {
    report(`manifest: its event is ${exportEvent.action}, not an export`);
    return null;
  }
  const claim = exportEvent.after as Claim;
  const leafSeal = new Map<string, number>();
  const sealsSeen = new Set<number>();
  let head: Manifest["head"] = null;
  for (let i = 1; i < lines.length; i++) {
    let line: { type?: unknown; seq?: number; event?: ExportChange; leaves?: string[]; tenantId?: string; hash?: string; keyId?: string; signature?: string; signedAt?: string };
    try {
      line = JSON.parse(lines[i]);
    } catch {
      report(`manifest: line ${i + 1} is not JSON`);
      continue;
    }
    if (line.type === "seal" && line.event && Array.isArray(line.leaves) && typeof line.seq === "number") {
      const where = `manifest: seal #${line.seq}`;
      const problem = checkEvent(line.event, keys);
      const after = line.event.after as { seal?: unknown; count?: unknown; root?: unknown } | null;
      if (problem) report(`${where}: its event: ${problem}`);
      else if (line.event.tenantId !== exportEvent.tenantId || line.event.action !== "requests.sealed" || after?.seal !== line.seq) report(`${where}: its event is not this tenant's seal #${line.seq}`);
      else if (after?.count !== line.leaves.length || line.leaves.some((l) => !/^[0-9a-f]{64}$/.test(l)) || merkleRoot(line.leaves.map((l) => Buffer.from(l, "hex"))) !== after?.root) {
        report(`${where}: its leaves do not give the root its signed event holds: a record it covers was altered or removed`);
      } else {
        sealsSeen.add(line.seq);
        for (const leaf of line.leaves) leafSeal.set(leaf, line.seq);
      }
    } else if (line.type === "head" && typeof line.seq === "number") {
      const signed = { tenantId: String(line.tenantId), seq: line.seq, hash: String(line.hash), keyId: String(line.keyId), signature: String(line.signature), signedAt: new Date(String(line.signedAt)) };
      if (signed.tenantId !== exportEvent.tenantId || !verifyHead(keys, signed)) report("manifest: the chain's head is not one Keel signed for this tenant (replaced or altered)");
      else if (signed.seq < exportEvent.seq || (signed.seq === exportEvent.seq && signed.hash !== exportEvent.hash)) report("manifest: the chain's head is older than the export itself");
      else head = { seq: signed.seq, keyId: signed.keyId };
    } else report(`manifest: line ${i + 1} is neither a seal nor a head`);
  }
  for (const seq of claim.seals ?? []) if (!sealsSeen.has(seq)) report(`manifest: seal #${seq}, which covers rows of the export, is missing or did not verify`);
  if (!head) report("manifest: it holds no signed head of the chain");
  return { exportEvent, claim, leafSeal, head };
}

/** An event's problem: its content does not give its hash, or its head is not signed by a known key. */
function checkEvent(e: ExportChange, keys: AuditPublicKeys): string | null {
  const createdAt = new Date(e.createdAt);
  if (Number.isNaN(createdAt.getTime())) return "its time is not a date";
  const content = { ...e, createdAt, before: e.before ?? null, after: e.after ?? null };
  if (chainHash(e.prevHash, content) !== e.hash) return "its content does not match its hash (altered)";
  if (!e.head) return "it has no signed head";
  const ok = verifyHead(keys, { tenantId: e.tenantId, seq: e.seq, hash: e.hash, keyId: e.head.keyId, signature: e.head.signature, signedAt: new Date(e.head.signedAt) });
  return ok ? null : `its head's signature does not verify under key ${JSON.stringify(e.head.keyId)}`;
}

async function* tap(source: AsyncIterable<Buffer>, each: (b: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    each(chunk);
    yield chunk;
  }
}

async function* jsonlRows(source: AsyncIterable<Buffer>): AsyncGenerator<[ExportRow | Error, number]> {
  let n = 0;
  for await (const line of lines(source, "\n")) {
    if (line === "") continue;
    n += 1;
    try {
      yield [JSON.parse(line) as ExportRow, n];
    } catch {
      yield [new Error("is not JSON"), n];
    }
  }
}

async function* csvRows(source: AsyncIterable<Buffer>): AsyncGenerator<[ExportRow | Error, number]> {
  const decoder = new TextDecoder();
  let buffer = "";
  let n = -1;
  let columns: ReturnType<typeof csvColumnsFor> = null;
  const take = function* (final: boolean): Generator<[ExportRow | Error, number]> {
    let pos = 0;
    while (pos < buffer.length) {
      const end = recordEnd(buffer, pos);
      if (end === -1 && !final) break;
      const stop = end === -1 ? buffer.length : end;
      const text = buffer.slice(pos, stop);
      pos = stop;
      n += 1;
      if (n === 0) {
        columns = csvColumnsFor(text);
        if (!columns) throw new Error("its header is not the one Keel writes");
        continue;
      }
      try {
        yield [parseCsvRow(readCsvRecord(text, 0).cells, columns!), n];
      } catch (error) {
        yield [new Error(`cannot be read: ${(error as Error).message}`), n];
      }
    }
    buffer = buffer.slice(pos);
  };
  for await (const chunk of source) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* take(false);
  }
  buffer += decoder.decode();
  yield* take(true);
}

/** Where the CSV record starting at `pos` ends (after its CRLF), or -1 when its end has not arrived. */
function recordEnd(text: string, pos: number): number {
  let quoted = false;
  for (let i = pos; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return i + 1;
  }
  return -1;
}

async function* lines(source: AsyncIterable<Buffer>, sep: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of source) {
    rest += decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let at = rest.indexOf(sep); at !== -1; at = rest.indexOf(sep, from)) {
      yield rest.slice(from, at);
      from = at + 1;
    }
    rest = rest.slice(from);
  }
  rest += decoder.decode();
  if (rest) yield rest;
}
