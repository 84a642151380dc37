import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { db, getDatabase } from "@/lib/db/client";
import { RecordWriter, recordInserter, type RequestRecordRow } from "@/lib/gateway/record-writer";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, unique } from "@/lib/testing/factories";
import { asSuperuser } from "../test-tamper";
import { sealTenantRequests } from "../seal-requests";
import { auditKeys, parseAuditKeys, publicKeySpec, publicKeysOf, signHead } from "../signer";
import { recordAudit } from "../record";
import { EXPORT_ACTION, streamExport, type ExportClaim } from "./export";
import { manifestLines } from "./manifest";
import type { ExportFormat } from "./format";
import { verifyExport } from "./verify-export";

/** An export of the trail, re-verified offline as an auditor would, and the same export altered in each way that must fail. */
const handle = useTestDatabase();

const writer = () => new RecordWriter(recordInserter(process.env.KEEL_AUDIT_SIGNING_KEY!));
const record = (tenantId: string, i: number): RequestRecordRow => ({
  id: `req_${unique()}${i}`, tenantId, apiKeyId: null, userId: null, endpointId: null, endpointName: i % 3 ? "chat" : "=cmd|' /C calc'!A0",
  modelVersionId: null, route: "chat.completions", stream: i % 2 === 0, inputHash: null, inputTokens: i, outputTokens: 5, tokensEstimated: false,
  costUsd: "0.00000100", latencyMs: 20 + i, ttftMs: i % 2 ? null : 7, status: i % 5 ? 200 : 502, errorCode: i % 5 ? null : "provider_error", attempts: 1,
  createdAt: new Date(Date.now() - 10_000 + i),
});

async function tenantWithTrail(records = 12) {
  const tenant = await seedTenant();
  const { user } = await seedMember(tenant, "AUDITOR");
  for (const label of ["", 'a "quoted", comma label', "line\nbreak"]) {
    await db().$transaction((tx) =>
      recordAudit(tx, tenant.id, { type: "USER", id: user.id, label: label || null }, { ip: "127.0.0.1", userAgent: "test", requestId: null }, {
        action: "tenant.budget_changed", resourceType: "tenant", resourceId: tenant.id, before: { budget: null }, after: { budget: "10.00", note: label },
      }),
    );
  }
  const w = writer();
  const rows = Array.from({ length: records }, (_, i) => record(tenant.id, i));
  await Promise.all(rows.map((r) => w.write(r)));
  await sleep(5);
  while (await sealTenantRequests(getDatabase().pool, tenant.id, { batchSize: 5, marginMs: 0 }));
  return { tenant, user, rows };
}

const requester = (tenantId: string, user: { id: string; email: string }) => ({
  tenantId, userId: user.id, userEmail: user.email, caller: { userId: user.id, sessionVersion: 0, ip: "127.0.0.1", userAgent: "test", requestId: `req_${unique()}` },
});

async function exportOf(tenantId: string, actor: { id: string; email: string }, format: ExportFormat, requestId?: string) {
  let seq = 0;
  const stream = streamExport(
    {
      by: requester(tenantId, actor), filters: { kind: "all", requestId }, filterParams: requestId ? { request: requestId } : {}, format, order: "asc", until: new Date(),
    },
    (s) => (seq = s),
  );
  const file = Buffer.from(await new Response(stream!).arrayBuffer());
  const found = await manifestLines(tenantId, seq);
  let manifest = "";
  for await (const line of found!.lines) manifest += line;
  return { file, manifest, seq };
}

const keys = () => publicKeysOf(auditKeys());
const check = (file: Buffer, manifest: string, k = keys()) => verifyExport(Readable.from([file.subarray(0, 100), file.subarray(100)]), manifest, k);

describe("an audit export", () => {
  for (const format of ["csv", "jsonl"] as const) {
    it(`in ${format} re-verifies offline with the public key alone, and fails, naming the row or part, once altered`, async () => {
      const { tenant, user, rows } = await tenantWithTrail();
      const { file, manifest, seq } = await exportOf(tenant.id, user, format);

      const good = await check(file, manifest);
      expect(good.problems).toEqual([]);
      // Every change before the export itself (the tenant's, the member's, ours, the seals'), and every request.
      expect(good).toMatchObject({ ok: true, rows: seq - 1 + 12, changes: seq - 1, requests: 12, sealed: 12, unsealed: 0, export: { seq, by: user.email, complete: true } });
      if (format === "csv") expect(file.toString()).toContain(`"'=cmd|' /C calc'!A0"`);

      // The export is itself in the chain, with the file's digest and row count.
      const event = await db().auditEvent.findUniqueOrThrow({ where: { tenantId_seq: { tenantId: tenant.id, seq } } });
      expect(event).toMatchObject({ action: EXPORT_ACTION, actorId: user.id });
      expect(event.after as ExportClaim).toMatchObject({ format, rows: seq - 1 + 12, complete: true });

      // One byte of a request's cost changed.
      const text = file.toString();
      const at = text.indexOf(format === "csv" ? '"0.00000100"' : '"costUsd":"0.00000100"') + (format === "csv" ? 8 : 18);
      const edited = Buffer.from(text.slice(0, at) + "9" + text.slice(at + 1));
      const one = await check(edited, manifest);
      expect(one.ok).toBe(false);
      expect(one.problems.some((p) => /^row \d+ \(request req_.*\): its content matches no leaf of seal #\d+/.test(p)), one.problems.join("\n")).toBe(true);
      expect(one.problems.some((p) => p.startsWith("file: its bytes are not those Keel sent"))).toBe(true);

      // One byte of a change's label changed: its hash names it.
      const label = text.indexOf("comma label");
      const relabelled = await check(Buffer.from(text.slice(0, label) + "C" + text.slice(label + 1)), manifest);
      expect(relabelled.problems.some((p) => /^row \d+ \(change #\d+\): its content does not match its hash/.test(p)), relabelled.problems.join("\n")).toBe(true);

      // One row removed.
      const lines = text.split(format === "csv" ? "\r\n" : "\n");
      const cut = Buffer.from([...lines.slice(0, 5), ...lines.slice(6)].join(format === "csv" ? "\r\n" : "\n"));
      const removed = await check(cut, manifest);
      expect(removed.problems).toContain(`file: ${seq - 2 + 12} rows where the signed export holds ${seq - 1 + 12}: rows were removed or added`);

      // The manifest's head replaced by one signed with another key, or taken from another tenant.
      const other = parseAuditKeys(`k9:${Buffer.alloc(32, 7).toString("base64")}`);
      const m = manifest.trim().split("\n");
      const head = JSON.parse(m[m.length - 1]);
      const forged = signHead(other, { tenantId: tenant.id, seq: head.seq, hash: head.hash, signedAt: new Date() });
      const swapped = [...m.slice(0, -1), JSON.stringify({ ...head, keyId: auditKeys()[0].id, signature: forged.signature, signedAt: forged.signedAt.toISOString() })].join("\n");
      expect((await check(file, swapped)).problems).toContain("manifest: the chain's head is not one Keel signed for this tenant (replaced or altered)");
      // The export's own event rewritten to match the altered file: its signed head no longer fits.
      const header = JSON.parse(m[0]);
      header.export.after.rows -= 1;
      expect((await check(cut, [JSON.stringify(header), ...m.slice(1)].join("\n"))).problems[0]).toMatch(/^manifest: the export's own event: its content does not match its hash/);
      // Verified with a key Keel does not use.
      expect((await check(file, manifest, publicKeysOf(other))).problems[0]).toMatch(/^manifest: the export's own event: its head's signature does not verify/);

      // A record edited in the database after the export: the manifest's leaves no longer give its seal's root.
      await asSuperuser(handle, [`UPDATE "RequestRecord" SET "latencyMs" = 1 WHERE "id" = $1`, rows[0].id]);
      let later = "";
      for await (const line of (await manifestLines(tenant.id, seq))!.lines) later += line;
      const stale = await check(file, later);
      expect(stale.problems.some((p) => /^manifest: seal #\d+: its leaves do not give the root its signed event holds/.test(p)), stale.problems.join("\n")).toBe(true);
    });
  }

  it("fails a request row edited in the database and moved out of its seal's range, sealed again, or copied, though its first seal is not in the manifest", async () => {
    const { tenant, user, rows } = await tenantWithTrail(6);
    // "Which version answered request R": an export of one request, whose seal's other records are not in it.
    const verdictOf = async (id: string, format: ExportFormat = "jsonl") => {
      const { file, manifest } = await exportOf(tenant.id, user, format, id);
      return check(file, manifest);
    };
    const forged = (id: string) => (p: string) => p.startsWith(`row `) && p.includes(`(request ${id}): when Keel exported it, its MAC did not match its content`);
    for (const r of rows.slice(0, 4)) expect(await verdictOf(r.id)).toMatchObject({ ok: true, rows: 1, sealed: 1 });
    await asSuperuser(
      handle,
      // A failure made a success, and moved before the first seal: exported as not yet sealed.
      [`UPDATE "RequestRecord" SET "status" = 200, "errorCode" = NULL, "latencyMs" = 1, "insertedAt" = "insertedAt" - interval '1 hour' WHERE "id" = $1`, rows[0].id],
      // Edited and moved past the last seal: the export's own sealing seals it again, as edited.
      [`UPDATE "RequestRecord" SET "latencyMs" = 1, "insertedAt" = now() WHERE "id" = $1`, rows[1].id],
      // An exact copy (its MAC valid) before the first seal, once the primary key is dropped.
      [`ALTER TABLE "RequestRecord" DROP CONSTRAINT "RequestRecord_pkey"`],
      [`CREATE TEMP TABLE "copied" AS SELECT * FROM "RequestRecord" WHERE "id" = $1`, rows[2].id],
      [`UPDATE "copied" SET "insertedAt" = "insertedAt" - interval '1 hour'`],
      [`INSERT INTO "RequestRecord" SELECT * FROM "copied"`],
      [`DROP TABLE "copied"`],
    );
    try {
      // Past the sealer's margin, so the export seals the moved record again.
      await sleep(1100);
      const moved = await verdictOf(rows[0].id);
      expect(moved).toMatchObject({ ok: false, rows: 1, unsealed: 1 });
      expect(moved.problems.some(forged(rows[0].id)), moved.problems.join("\n")).toBe(true);
      expect(moved.problems).toContain("manifest: Keel found 1 request row(s) whose MAC did not match their content, or stored twice, as it exported them: edited or inserted in the database");

      const resealed = await verdictOf(rows[1].id, "csv");
      expect(resealed).toMatchObject({ ok: false, rows: 1, sealed: 1 });
      expect(resealed.problems.some(forged(rows[1].id)), resealed.problems.join("\n")).toBe(true);

      const copied = await verdictOf(rows[2].id);
      expect(copied).toMatchObject({ ok: false, rows: 2 });
      expect(copied.problems.some(forged(rows[2].id)), copied.problems.join("\n")).toBe(true);
    } finally {
      await asSuperuser(
        handle,
        [`DELETE FROM "RequestRecord" WHERE "id" = $1 AND "insertedAt" < now() - interval '30 minutes'`, rows[2].id],
        [`ALTER TABLE "RequestRecord" ADD CONSTRAINT "RequestRecord_pkey" PRIMARY KEY ("id")`],
      );
    }
  });

  it("checks out with `npm run audit:verify` given the files and the public key, and names the altered row when it does not", async () => {
    const { tenant, user } = await tenantWithTrail(4);
    const { file, manifest } = await exportOf(tenant.id, user, "csv");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keel-export-"));
    const csv = path.join(dir, "keel-audit-x-20261204T090000Z.csv");
    fs.writeFileSync(csv, file);
    fs.writeFileSync(path.join(dir, "keel-audit-x-20261204T090000Z.manifest.jsonl"), manifest);
    fs.writeFileSync(path.join(dir, "audit-signing.pub"), publicKeySpec(auditKeys()));
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts", ...args], { cwd: path.resolve(import.meta.dirname, "../../.."), env: { ...process.env, KEEL_HOME: path.join(dir, "no-home") } })
        .then((r) => ({ code: 0, out: r.stdout }))
        .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));
    const ok = await run([csv, "--public-key-file", path.join(dir, "audit-signing.pub")]);
    expect(ok.out).toContain("VERIFIED");
    expect(ok.code).toBe(0);
    fs.writeFileSync(csv, file.toString().replace('"0.00000100"', '"0.00000200"'));
    const bad = await run([csv, "--public-key", publicKeySpec(auditKeys())]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/NOT VERIFIED[\s\S]*row \d+ \(request req_/);
    expect((await run([csv])).code).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps to the filters, and records an abandoned download as incomplete", async () => {
    const { tenant, user, rows } = await tenantWithTrail(30);
    let seq = 0;
    const stream = streamExport(
      {
        by: requester(tenant.id, user), filters: { kind: "requests", outcome: { kind: "error" } }, filterParams: { outcome: "error" }, format: "jsonl", order: "desc",
        until: new Date(),
      },
      (s) => (seq = s),
    );
    const text = await new Response(stream!).text();
    const ids = text.trim().split("\n").map((l) => JSON.parse(l).id);
    expect(ids).toEqual(rows.filter((r) => r.status >= 400).map((r) => r.id).reverse());

    const reader = streamExport({
      by: requester(tenant.id, user), filters: { kind: "all" }, filterParams: {}, format: "csv", order: "asc", until: new Date(),
    }, (s) => (seq = s))!.getReader();
    await reader.read();
    await reader.cancel();
    const abandoned = await db().auditEvent.findUniqueOrThrow({ where: { tenantId_seq: { tenantId: tenant.id, seq } } });
    expect(abandoned.after).toMatchObject({ complete: false, format: "csv" });

    // At most two at once per tenant; a finished one frees its place.
    const open = () => streamExport({ by: requester(tenant.id, user), filters: { kind: "all" }, filterParams: {}, format: "jsonl", order: "asc", until: new Date() });
    const [a, b] = [open(), open()];
    expect(open()).toBeNull();
    await a!.cancel();
    const c = open();
    expect(c).not.toBeNull();
    await b!.cancel();
    await c!.cancel();
  });

  it("gives no manifest for an event that is not an export, or for another tenant's export", async () => {
    const a = await tenantWithTrail(2);
    const b = await tenantWithTrail(2);
    const { seq } = await exportOf(a.tenant.id, a.user, "jsonl");
    expect(await manifestLines(a.tenant.id, 1)).toBeNull();
    const theirs = await manifestLines(b.tenant.id, seq);
    expect(theirs).toBeNull();
  });
});
