import "server-only";
import { db } from "@/lib/db/client";
import { promptContentSchema, variablesOf, type PromptContent } from "./schemas";

type Ctx = { tenantId: string };

export type PromptListParams = {
  /** Part of the name or the description, any case. */
  q?: string;
  page: number;
  pageSize: number;
  sort: "name" | "updatedAt" | "fetchCount";
  dir: "asc" | "desc";
};

/**
 * A page of the tenant's prompt library: searched, sorted and paged in the database, each prompt
 * with its newest version's number and target endpoint.
 */
export async function listPrompts(ctx: Ctx, params: PromptListParams) {
  const q = params.q?.trim();
  const where = {
    tenantId: ctx.tenantId,
    ...(q ? { OR: [{ name: { contains: q, mode: "insensitive" as const } }, { description: { contains: q, mode: "insensitive" as const } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db().prompt.findMany({
      where,
      // Counts and timestamps tie; the id keeps the order total, so pages never overlap.
      orderBy: [{ [params.sort]: params.dir }, { id: params.dir }],
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
      select: { id: true, name: true, description: true, latestVersion: true, fetchCount: true, updatedAt: true },
    }),
    db().prompt.count({ where }),
  ]);
  const latest = rows.length
    ? await db().promptVersion.findMany({
        where: { tenantId: ctx.tenantId, OR: rows.map((r) => ({ promptId: r.id, version: r.latestVersion })) },
        select: { promptId: true, endpointName: true },
      })
    : [];
  const endpoints = new Map(latest.map((v) => [v.promptId, v.endpointName]));
  return { rows: rows.map((r) => ({ ...r, endpointName: endpoints.get(r.id) ?? null })), total };
}

/** A prompt found by name, with a summary of every version, newest first; null when the tenant has none by that name. */
export async function getPromptByName(ctx: Ctx, name: string) {
  const prompt = await db().prompt.findFirst({
    where: { tenantId: ctx.tenantId, name },
    select: { id: true, name: true, description: true, latestVersion: true, fetchCount: true, createdAt: true, updatedAt: true },
  });
  if (!prompt) return null;
  const versions = await db().promptVersion.findMany({
    where: { tenantId: ctx.tenantId, promptId: prompt.id },
    orderBy: { version: "desc" },
    select: { version: true, note: true, endpointName: true, createdById: true, restoredFrom: true, createdAt: true },
  });
  const authors = await authorEmails(versions.map((v) => v.createdById));
  return {
    ...prompt,
    versions: versions.map(({ createdById, ...v }) => ({ ...v, author: createdById ? (authors.get(createdById) ?? "a removed user") : null })),
  };
}

export type PromptVersionView = {
  version: number;
  content: PromptContent;
  endpointName: string | null;
  note: string;
  author: string | null;
  restoredFrom: number | null;
  createdAt: Date;
  variables: string[];
};

/** One version of one of the tenant's prompts, with its content checked; null when there is no such version. */
export async function getPromptVersion(ctx: Ctx, promptId: string, version: number): Promise<PromptVersionView | null> {
  const [view] = await getPromptVersions(ctx, promptId, [version]);
  return view ?? null;
}

/**
 * A version of the tenant's prompt found by name: the one asked for, or the newest when `version` is
 * null. Null when the tenant has no prompt by that name; `version` null when the prompt has no such version.
 */
export async function findPromptVersionByName(ctx: Ctx, name: string, version: number | null) {
  const prompt = await db().prompt.findFirst({ where: { tenantId: ctx.tenantId, name }, select: { id: true, name: true, latestVersion: true } });
  if (!prompt) return null;
  return { prompt, version: await getPromptVersion(ctx, prompt.id, version ?? prompt.latestVersion) };
}

/** The tenant's prompts by name, A to Z: what a new version may be saved to. */
export async function listPromptNames(ctx: Ctx): Promise<{ id: string; name: string; latestVersion: number }[]> {
  return db().prompt.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { name: "asc" }, select: { id: true, name: true, latestVersion: true } });
}

/** Two versions of one prompt for a side-by-side diff; null unless the tenant's prompt has both. */
export async function getVersionPair(ctx: Ctx, promptId: string, before: number, after: number) {
  const views = await getPromptVersions(ctx, promptId, [before, after]);
  const find = (n: number) => views.find((v) => v.version === n);
  const a = find(before);
  const b = find(after);
  return a && b ? { before: a, after: b } : null;
}

async function getPromptVersions(ctx: Ctx, promptId: string, numbers: number[]): Promise<PromptVersionView[]> {
  const rows = await db().promptVersion.findMany({
    where: { tenantId: ctx.tenantId, promptId, version: { in: numbers } },
    select: { version: true, content: true, endpointName: true, note: true, createdById: true, restoredFrom: true, createdAt: true },
  });
  const authors = await authorEmails(rows.map((r) => r.createdById));
  return rows.map((r) => {
    // Stored versions passed this schema when saved; parsing again gives the typed shape and
    // catches a row changed behind Keel's back rather than rendering it half-understood.
    const content = promptContentSchema.parse(r.content);
    return {
      version: r.version,
      content,
      endpointName: r.endpointName,
      note: r.note,
      author: r.createdById ? (authors.get(r.createdById) ?? "a removed user") : null,
      restoredFrom: r.restoredFrom,
      createdAt: r.createdAt,
      variables: variablesOf(content),
    };
  });
}

/** The tenant's chat endpoints by name, A to Z: what a prompt may target. */
export async function listChatEndpointNames(ctx: Ctx): Promise<string[]> {
  const rows = await db().endpoint.findMany({ where: { tenantId: ctx.tenantId, kind: "CHAT" }, select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

async function authorEmails(ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await db().user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}
