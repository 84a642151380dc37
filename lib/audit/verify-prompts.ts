import type { PrismaClient } from "@/lib/db/client";
import { DELETED_ACTION, VERSION_ACTIONS, claimOf, contentHash, differencesFrom, type VersionClaim } from "@/lib/prompts/integrity";
import { progressMeter, type OnVerifyProgress } from "./verify-progress";

export type PromptProblem = {
  kind: "inserted" | "edited" | "deleted" | "moved" | "undeleted";
  promptId: string;
  version: number | null;
  reason: string;
};

export type PromptVerdict = {
  ok: boolean;
  /** Live prompts and versions compared with their events. */
  prompts: number;
  versions: number;
  /** Prompts changed in the console while this ran, past the chain verify read: only their older versions were compared. */
  changed: number;
  /** The first problems found; `problem` is the first. */
  problems: PromptProblem[];
  problem: PromptProblem | null;
  /** More problems were found than `problems` lists. */
  more: boolean;
};

export type VerifyPromptsOptions = {
  /** Trust events only up to this audit seq (the chain's verified length); default all. */
  maxAuditSeq?: number;
  maxProblems?: number;
  /** Rows per read: prompts per page, and versions or events per read within it (default 100 and 1000). */
  pageSize?: { prompts: number; rows: number };
  /** Told how many prompts were compared of how many (phase "prompts"), at most every 100 ms. */
  onProgress?: OnVerifyProgress;
};

/** What a prompt's events say, in seq order. `later`: it has events past the verified chain. */
type Trail = { name: string | null; latest: { version: number; seq: number } | null; deletedAt: number | null; versions: Map<number, VersionClaim & { seq: number }>; later: boolean };
type LiveVersion = { id: string; version: number; sha256: string; endpointName: string | null; note: string; restoredFrom: number | null };
type EventRow = { resourceId: string; seq: number; action: string; name: string | null; version: unknown };

const PAGE = { prompts: 100, rows: 1000 };
/**
 * Versions read per statement, at most, whatever `rows` says: each comes with its content, up to
 * 100,000 characters of template and a 32,000-character schema, so 1,000 at once could hold 130 MB
 * of text as the driver read it and again as parsed JSON, only to be hashed.
 */
export const MAX_VERSIONS_PER_READ = 100;

/**
 * Compares a tenant's live prompts and versions with the prompt events of its audit chain, and
 * names each difference: someone holding the database password can drop the immutability trigger
 * or delete and re-insert a version, and the gateway would serve what they wrote. Reads prompts a
 * page at a time (keyset by id) with their versions and events in pages, keeping only hashes, so a
 * large tenant costs bounded memory. Events past `maxAuditSeq` (written while the chain was being
 * verified) are not trusted; a prompt that has them is compared only where they cannot explain a
 * difference, and counted in `changed`.
 */
export async function verifyPrompts(prisma: PrismaClient, tenantId: string, opts: VerifyPromptsOptions = {}): Promise<PromptVerdict> {
  const maxProblems = opts.maxProblems ?? 20;
  const pageSize = opts.pageSize ?? PAGE;
  const v: PromptVerdict = { ok: true, prompts: 0, versions: 0, changed: 0, problems: [], problem: null, more: false };
  const report = (p: PromptProblem) => {
    v.ok = false;
    v.problem ??= p;
    if (v.problems.length < maxProblems) v.problems.push(p);
    else v.more = true;
  };

  const total = await prisma.prompt.count({ where: { tenantId } });
  const meter = progressMeter(opts.onProgress, "prompts", total);
  try {
    await comparePages(prisma, tenantId, opts.maxAuditSeq, pageSize, v, report, meter.add);
  } finally {
    meter.finish();
  }
  await findVanishedPrompts(prisma, tenantId, opts.maxAuditSeq, maxProblems, report);
  await findOrphanVersions(prisma, tenantId, maxProblems, report);
  return v;
}

/** The live prompts a page at a time (keyset by id), each compared with its trail. */
async function comparePages(
  prisma: PrismaClient,
  tenantId: string,
  maxAuditSeq: number | undefined,
  pageSize: { prompts: number; rows: number },
  v: PromptVerdict,
  report: (p: PromptProblem) => void,
  counted: (n: number) => void,
) {
  for (let after: string | null = null; ; ) {
    const page: { id: string; name: string; latestVersion: number }[] = await prisma.prompt.findMany({
      where: { tenantId, ...(after !== null ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize.prompts,
      select: { id: true, name: true, latestVersion: true },
    });
    if (page.length === 0) break;
    const ids = page.map((p) => p.id);
    const trails = await readTrails(prisma, tenantId, ids, maxAuditSeq, pageSize.rows);
    const live = await readVersions(prisma, tenantId, ids, pageSize.rows, report);
    for (const prompt of page) {
      v.prompts += 1;
      const versions = live.get(prompt.id) ?? new Map<number, LiveVersion>();
      v.versions += versions.size;
      comparePrompt(prompt, trails.get(prompt.id), versions, report, () => (v.changed += 1));
    }
    counted(page.length);
    if (page.length < pageSize.prompts) break;
    after = page[page.length - 1].id;
  }
}

function comparePrompt(
  prompt: { id: string; name: string; latestVersion: number },
  trail: Trail | undefined,
  versions: Map<number, LiveVersion>,
  report: (p: PromptProblem) => void,
  changed: () => void,
) {
  const problem = (kind: PromptProblem["kind"], version: number | null, reason: string) => report({ kind, promptId: prompt.id, version, reason });
  const named = `prompt "${prompt.name}" (${prompt.id})`;
  if (trail?.later) changed();
  if (!trail || (!trail.latest && trail.deletedAt === null)) {
    if (!trail?.later) problem("inserted", null, `${named} has no event in the audit trail: it was inserted behind Keel's back`);
    return;
  }
  if (trail.deletedAt !== null) {
    problem("undeleted", null, `${named} was deleted (audit event #${trail.deletedAt}) but is in the database again: it was put back behind Keel's back`);
    return;
  }
  if (trail.name !== null && trail.name !== prompt.name) {
    problem("edited", null, `prompt ${prompt.id} is named "${prompt.name}" but its audit events name it "${trail.name}": it was renamed behind Keel's back`);
  }
  const latest = trail.latest!;
  if (!trail.later && latest.version !== prompt.latestVersion) {
    problem("moved", prompt.latestVersion, `${named} serves version ${prompt.latestVersion} as its newest, but its newest per the audit trail is version ${latest.version} (event #${latest.seq}): the pointer was moved behind Keel's back`);
  }
  for (const [version, row] of versions) {
    const claim = trail.versions.get(version);
    if (!claim) {
      // A version saved since the chain was read has its event past maxAuditSeq.
      if (!(trail.later && version > latest.version)) problem("inserted", version, `version ${version} of ${named} has no event in the audit trail: it was inserted behind Keel's back`);
      continue;
    }
    const differs = differencesFrom(claim, row);
    if (differs.length) {
      problem("edited", version, `version ${version} of ${named} differs from audit event #${claim.seq} in its ${differs.join(", ")}: it was rewritten behind Keel's back`);
    }
  }
  if (trail.later) return;
  for (const [version, claim] of trail.versions) {
    if (!versions.has(version)) problem("deleted", version, `version ${version} of ${named} (audit event #${claim.seq}) is missing: it was deleted behind Keel's back`);
  }
}

/** The prompt events of these prompts, paged by (prompt, seq), without the versions' content. */
async function readTrails(prisma: PrismaClient, tenantId: string, ids: string[], maxAuditSeq: number | undefined, limit: number): Promise<Map<string, Trail>> {
  const trails = new Map<string, Trail>();
  for (let cursor: { resourceId: string; seq: number } | null = null; ; ) {
    const rows: EventRow[] = await prisma.$queryRawUnsafe<EventRow[]>(
      `SELECT "resourceId", "seq", "action", "after"->>'name' AS "name",
              CASE WHEN jsonb_typeof("after"->'version') = 'object' THEN ("after"->'version') - 'content' END AS "version"
       FROM "AuditEvent"
       WHERE "tenantId" = $1 AND "resourceType" = 'prompt' AND "resourceId" = ANY($2::text[])
         ${cursor ? `AND ("resourceId", "seq") > ($4, $5)` : ""}
       ORDER BY "resourceId", "seq" LIMIT $3`,
      tenantId, ids, limit, ...(cursor ? [cursor.resourceId, cursor.seq] : []),
    );
    for (const row of rows) {
      let trail = trails.get(row.resourceId);
      if (!trail) trails.set(row.resourceId, (trail = { name: null, latest: null, deletedAt: null, versions: new Map(), later: false }));
      if (maxAuditSeq !== undefined && row.seq > maxAuditSeq) {
        trail.later = true;
        continue;
      }
      if (row.action === DELETED_ACTION) trail.deletedAt = row.seq;
      const parsed = (VERSION_ACTIONS as readonly string[]).includes(row.action) ? claimOf({ name: row.name, version: row.version }) : null;
      if (!parsed) continue;
      trail.name = parsed.name ?? trail.name;
      trail.latest = { version: parsed.claim.version, seq: row.seq };
      trail.versions.set(parsed.claim.version, { ...parsed.claim, seq: row.seq });
    }
    if (rows.length < limit) break;
    cursor = rows[rows.length - 1];
  }
  return trails;
}

/** These prompts' stored versions, paged by (prompt, version), each kept as its content's hash. */
async function readVersions(prisma: PrismaClient, tenantId: string, ids: string[], pageRows: number, report: (p: PromptProblem) => void) {
  const limit = Math.min(pageRows, MAX_VERSIONS_PER_READ);
  const byPrompt = new Map<string, Map<number, LiveVersion>>();
  for (let cursor: { promptId: string; version: number; id: string } | null = null; ; ) {
    const rows: (Omit<LiveVersion, "sha256"> & { promptId: string; content: unknown })[] = await prisma.promptVersion.findMany({
      where: {
        tenantId,
        promptId: { in: ids },
        ...(cursor
          ? { OR: [{ promptId: { gt: cursor.promptId } }, { promptId: cursor.promptId, version: { gt: cursor.version } }, { promptId: cursor.promptId, version: cursor.version, id: { gt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ promptId: "asc" }, { version: "asc" }, { id: "asc" }],
      take: limit,
      select: { id: true, promptId: true, version: true, content: true, endpointName: true, note: true, restoredFrom: true },
    });
    for (const { content, promptId, ...row } of rows) {
      let versions = byPrompt.get(promptId);
      if (!versions) byPrompt.set(promptId, (versions = new Map()));
      if (versions.has(row.version)) {
        report({ kind: "inserted", promptId, version: row.version, reason: `version ${row.version} of prompt ${promptId} is stored twice (rows ${versions.get(row.version)!.id} and ${row.id}): a copy was inserted behind Keel's back` });
        continue;
      }
      versions.set(row.version, { ...row, sha256: contentHash(content) });
    }
    if (rows.length < limit) break;
    const last = rows[rows.length - 1];
    cursor = { promptId: last.promptId, version: last.version, id: last.id };
  }
  return byPrompt;
}

/** Prompts the trail created and never deleted that are gone from the database (one statement, up to `limit`). */
async function findVanishedPrompts(prisma: PrismaClient, tenantId: string, maxAuditSeq: number | undefined, limit: number, report: (p: PromptProblem) => void) {
  const bound = maxAuditSeq ?? 2_147_483_647;
  const gone = await prisma.$queryRawUnsafe<{ promptId: string; name: string | null; seq: number }[]>(
    `SELECT c."resourceId" AS "promptId", c."after"->>'name' AS "name", c."seq" FROM "AuditEvent" c
     WHERE c."tenantId" = $1 AND c."action" = 'prompt.created' AND c."resourceType" = 'prompt' AND c."seq" <= $2
       AND NOT EXISTS (SELECT 1 FROM "Prompt" p WHERE p."tenantId" = c."tenantId" AND p."id" = c."resourceId")
       AND NOT EXISTS (SELECT 1 FROM "AuditEvent" d WHERE d."tenantId" = c."tenantId" AND d."resourceType" = 'prompt'
                       AND d."resourceId" = c."resourceId" AND (d."action" = $3 OR d."seq" > $2))
     ORDER BY c."seq" LIMIT $4`,
    tenantId, bound, DELETED_ACTION, limit + 1,
  );
  for (const g of gone) {
    report({ kind: "deleted", promptId: g.promptId, version: null, reason: `prompt "${g.name}" (${g.promptId}), created in audit event #${g.seq}, is missing, though no event deletes it: it was deleted behind Keel's back` });
  }
}

/** Versions whose prompt is gone: a foreign key normally forbids them, but a superuser can skip it. */
async function findOrphanVersions(prisma: PrismaClient, tenantId: string, limit: number, report: (p: PromptProblem) => void) {
  const orphans = await prisma.$queryRawUnsafe<{ id: string; promptId: string; version: number }[]>(
    `SELECT v."id", v."promptId", v."version" FROM "PromptVersion" v
     WHERE v."tenantId" = $1 AND NOT EXISTS (SELECT 1 FROM "Prompt" p WHERE p."tenantId" = v."tenantId" AND p."id" = v."promptId")
     ORDER BY v."promptId", v."version" LIMIT $2`,
    tenantId, limit + 1,
  );
  for (const o of orphans) {
    report({ kind: "inserted", promptId: o.promptId, version: o.version, reason: `version ${o.version} (row ${o.id}) belongs to prompt ${o.promptId}, which does not exist: it was inserted, or its prompt deleted, behind Keel's back` });
  }
}
