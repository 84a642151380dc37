import "server-only";
import { db } from "@/lib/db/client";
import { promptContentSchema, promptNameSchema, variablesOf, type PromptContent } from "./schemas";

type Ctx = { tenantId: string };

/**
 * Whether a name from a URL could be a prompt's (names are stored as the schema leaves them). Any
 * other finds nothing without asking the database, which answers a NUL in a parameter with an error.
 */
const couldBeName = (name: string) => promptNameSchema.safeParse(name).data === name;

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
  // PostgreSQL refuses a NUL in a parameter; no name or description holds one.
  if (q?.includes("\u0000")) return { rows: [], total: 0 };
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

/** How many versions a prompt's page lists, newest first; older ones open by number. */
export const VERSIONS_LISTED = 100;

/**
 * A prompt found by name, with a summary of its newest `limit` versions, newest first, and how many
 * older ones were left out (a prompt saved thousands of times would otherwise send every one with
 * each view of its page); null when the tenant has none by that name.
 */
export async function getPromptByName(ctx: Ctx, name: string, limit = VERSIONS_LISTED) {
  if (!couldBeName(name)) return null;
  const prompt = await db().prompt.findFirst({
    where: { tenantId: ctx.tenantId, name },
    select: { id: true, name: true, description: true, latestVersion: true, fetchCount: true, createdAt: true, updatedAt: true },
  });
  if (!prompt) return null;
  const where = { tenantId: ctx.tenantId, promptId: prompt.id };
  const [versions, count] = await Promise.all([
    db().promptVersion.findMany({
      where,
      orderBy: { version: "desc" },
      take: limit,
      select: { version: true, note: true, endpointName: true, createdById: true, restoredFrom: true, createdAt: true },
    }),
    db().promptVersion.count({ where }),
  ]);
  const authors = await authorEmails(versions.map((v) => v.createdById));
  return {
    ...prompt,
    versions: versions.map(({ createdById, ...v }) => ({ ...v, author: createdById ? (authors.get(createdById) ?? "a removed user") : null })),
    olderVersions: count - versions.length,
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
  if (!couldBeName(name)) return null;
  const prompt = await db().prompt.findFirst({ where: { tenantId: ctx.tenantId, name }, select: { id: true, name: true, latestVersion: true } });
  if (!prompt) return null;
  return { prompt, version: await getPromptVersion(ctx, prompt.id, version ?? prompt.latestVersion) };
}

/** How many prompts "Save as prompt" offers to save a new version to, at most. */
export const PROMPT_CHOICES = 200;

export type PromptChoice = { id: string; name: string; latestVersion: number };

/**
 * The prompts a new version may be saved to, A to Z: the `limit` most recently changed, and
 * `include` (the prompt the playground was opened from) whatever its age. `more` says others were
 * left out: a library may hold thousands, and the list comes with every playground page.
 */
export async function listPromptNames(ctx: Ctx, opts: { include?: string; limit?: number } = {}): Promise<{ prompts: PromptChoice[]; more: boolean }> {
  const limit = opts.limit ?? PROMPT_CHOICES;
  const select = { id: true, name: true, latestVersion: true };
  const recent = await db().prompt.findMany({ where: { tenantId: ctx.tenantId }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], take: limit + 1, select });
  const prompts = recent.slice(0, limit);
  if (opts.include !== undefined && !prompts.some((p) => p.name === opts.include)) {
    const included = await db().prompt.findFirst({ where: { tenantId: ctx.tenantId, name: opts.include }, select });
    if (included) prompts.push(included);
  }
  return { prompts: prompts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), more: recent.length > limit };
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
