import type { IncomingMessage, ServerResponse } from "node:http";
import { promptNameSchema } from "@/lib/prompts/schemas";
import { GatewayError, apiError, invalidRequest, sendJson } from "./errors";
import type { Exchange } from "./exchange";
import type { Gateway } from "./gateway";
import type { GatewayKey } from "./keys";
import type { FoundPrompt } from "./prompt-lookup";
import { admitCaller, admitRequestOnly } from "./steps/admit";
import { OK, record } from "./steps/record";

const promptNotFound = (name: string, why = "does not exist or you do not have access to it") =>
  new GatewayError(404, "not_found_error", "prompt_not_found", `The prompt \`${name}\` ${why}.`, "name");

/** The stored prompt does not match Keel's audit trail (the lookup logged why); the caller learns only that. */
const promptRefused = (name: string) =>
  apiError(500, "prompt_integrity", `The prompt \`${name}\` is not served: its stored version does not match Keel's audit trail, so it may have been changed behind Keel's back. Ask an administrator to verify the tenant's audit trail.`);

/**
 * GET /api/v1/prompts/{name}[?version=N]: the newest version of a prompt of the key's tenant, or
 * version N, for an application to fill in and send rather than hard-code. Steps: admit the
 * caller, check the request, the request limits, the cached lookup (which checks the versions
 * against their audit events), the key's scope, count the fetch, record, respond. No database read
 * once the prompt is cached.
 */
export async function fetchPrompt(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  ex.route = "prompts";
  const key = await admitCaller(gw, req);
  ex.attribute(key);
  const checked = promptNameSchema.safeParse(name);
  if (!checked.success) throw invalidRequest(`The prompt name is not valid: ${checked.error.issues[0].message}.`, "name");
  // Names are stored as the schema leaves them; a name it would change (spaces around it) is no name.
  if (checked.data !== name) throw invalidRequest("The prompt name is not valid: it has spaces around it.", "name");
  const version = versionAsked(req.url ?? "");
  const admission = await admitRequestOnly(gw, key);
  const found = await gw.lookupPrompt(key.tenantId, name, version);
  if (!found || !mayRead(key, found)) throw promptNotFound(name);
  if (found.refused) throw promptRefused(name);
  if (!found.served) throw promptNotFound(name, `has no version ${version}; its newest is version ${found.latestVersion}`);
  gw.promptFetches.count(found.id);
  await record(gw.records, ex, OK);
  sendJson(res, 200, found.served.body, { ...admission.headers, "cache-control": "no-store" });
}

/**
 * A key limited to some endpoints reads only prompts that target one of them, both now (the newest
 * version) and in the version it asks for. Anything else gets the very 404 an unknown name gets, so
 * such a key learns no names outside its scope.
 */
function mayRead(key: GatewayKey, found: FoundPrompt): boolean {
  if (!key.allowedEndpoints) return true;
  const inScope = (endpoint: string | null) => endpoint !== null && key.allowedEndpoints!.has(endpoint);
  return inScope(found.latestEndpoint) && (found.served === null || inScope(found.served.endpointName));
}

/** `?version=N` as a number, null when absent; anything but a whole number from 1 is a 400 naming the parameter. */
function versionAsked(url: string): number | null {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  const values = new URLSearchParams(query).getAll("version");
  if (values.length === 0) return null;
  const [raw] = values;
  if (values.length > 1 || !/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) {
    throw invalidRequest(`The version must be a whole number from 1, e.g. ?version=3; got ${JSON.stringify(values.join(",").slice(0, 40))}.`, "version");
  }
  return Number(raw);
}
