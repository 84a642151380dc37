import type { AuditPublicKeys } from "@/lib/audit/signer";
import { db } from "@/lib/db/client";
import { promptContentSchema, templateMessages, variablesOf } from "@/lib/prompts/schemas";
import { readPromptTrail, servingProblem } from "./prompt-integrity";
import type { MaybePromise } from "./maybe-promise";
import { TtlCache } from "./ttl-cache";

/** A version as the gateway answers with it: the response body, serialized once per load, and its target endpoint. */
export type ServedPromptVersion = { version: number; endpointName: string | null; body: string };

/**
 * A prompt by name: its newest version's number and target endpoint (which decide whether a scoped
 * key may see the prompt at all) and the version asked for, or null when it has no such version.
 * `refused` says why the stored versions do not match Keel's audit trail; then nothing is served.
 */
export type FoundPrompt = { id: string; latestVersion: number; latestEndpoint: string | null; served: ServedPromptVersion | null; refused: string | null };

/** Prompts by (tenant, name, version or newest); `forget` drops every version of one name, names cached as unknown included. */
export type PromptLookup = ((tenantId: string, name: string, version: number | null) => MaybePromise<FoundPrompt | null>) & {
  forget: (tenantId: string, name: string) => void;
};

/**
 * Prompts through a short-TTL cache: an application that fetches its prompt on every request costs
 * the database nothing once the prompt is cached. The console's changes drop a name's entries at
 * once (invalidation.ts); the TTL bounds staleness when that message is lost. Each load also checks
 * the versions against their signed audit events (`publicKeys`: Keel's audit keys), and a refusal is
 * cached like any answer, so a tampered prompt costs no more reads than a sound one.
 */
export function createPromptLookup(ttlMs: number, publicKeys: AuditPublicKeys | null): PromptLookup {
  const cache = new TtlCache<FoundPrompt | null>(ttlMs);
  const prefix = (tenantId: string, name: string) => `${tenantId}\u0000${name}\u0000`;
  const check = { publicKeys, warn: onceEach((line) => console.error(line)) };
  const lookup = (tenantId: string, name: string, version: number | null) =>
    cache.get(`${prefix(tenantId, name)}${version ?? "newest"}`, () => loadPrompt(tenantId, name, version, check));
  return Object.assign(lookup, { forget: (tenantId: string, name: string) => cache.forget((key) => key.startsWith(prefix(tenantId, name))) });
}

type IntegrityCheck = { publicKeys: AuditPublicKeys | null; warn: (line: string) => void };

async function loadPrompt(tenantId: string, name: string, version: number | null, check: IntegrityCheck): Promise<FoundPrompt | null> {
  const prompt = await db().prompt.findUnique({ where: { tenantId_name: { tenantId, name } }, select: { id: true, name: true, latestVersion: true } });
  if (!prompt) return null;
  const wanted = version ?? prompt.latestVersion;
  const rows = await db().promptVersion.findMany({
    where: { tenantId, promptId: prompt.id, version: { in: [...new Set([prompt.latestVersion, wanted])] } },
    select: { version: true, content: true, endpointName: true, note: true, restoredFrom: true, createdAt: true },
  });
  const latest = rows.find((r) => r.version === prompt.latestVersion);
  const found = { id: prompt.id, latestVersion: prompt.latestVersion, latestEndpoint: latest?.endpointName ?? null };
  const refused = servingProblem(prompt, wanted, rows, await readPromptTrail(tenantId, prompt.id, prompt.latestVersion, wanted), check.publicKeys);
  if (refused) {
    check.warn(`[gateway] not serving prompt "${name}" (${prompt.id}) of tenant ${tenantId}: ${refused}; verify the tenant's audit trail`);
    return { ...found, served: null, refused };
  }
  const row = rows.find((r) => r.version === wanted);
  const served = row ? { version: row.version, endpointName: row.endpointName, body: responseBody(prompt, row) } : null;
  return { ...found, served, refused: null };
}

type VersionRow = { version: number; content: unknown; endpointName: string | null; note: string; restoredFrom: number | null; createdAt: Date };

/**
 * What GET /api/v1/prompts/{name} answers: the template as chat messages (system prompt first) with
 * its {{variables}}, and the parameters under OpenAI's names, ready to fill in and send.
 */
function responseBody(prompt: { name: string; latestVersion: number }, row: VersionRow): string {
  // Checked when saved; parsing again gives the typed shape, and a row changed behind Keel's back
  // fails here (a 500 the caller sees) rather than reaching an application half-formed.
  const content = promptContentSchema.parse(row.content);
  return JSON.stringify({
    object: "prompt",
    name: prompt.name,
    version: row.version,
    latest_version: prompt.latestVersion,
    messages: templateMessages(content),
    variables: variablesOf(content),
    parameters: content.parameters,
    endpoint: row.endpointName,
    note: row.note,
    restored_from: row.restoredFrom,
    created_at: Math.floor(row.createdAt.getTime() / 1000),
  });
}

/** Logs each distinct line once (up to 1,000 remembered): a refused prompt is reloaded every half TTL while it is asked for. */
function onceEach(log: (line: string) => void): (line: string) => void {
  const seen = new Set<string>();
  return (line) => {
    if (seen.has(line)) return;
    if (seen.size >= 1_000) seen.clear();
    seen.add(line);
    log(line);
  };
}
