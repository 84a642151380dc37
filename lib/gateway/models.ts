import type { IncomingMessage, ServerResponse } from "node:http";
import { db } from "@/lib/db/client";
import { invalidRequest, modelNotFound, sendJson } from "./errors";
import type { Exchange } from "./exchange";
import type { Gateway } from "./gateway";
import { modelNameProblem } from "./schemas";
import { admitCaller, admitRequestOnly, findEndpoint } from "./steps/admit";
import { OK, record } from "./steps/record";

const toModel = (name: string, createdAt: Date, owner: string) => ({
  id: name,
  object: "model",
  created: Math.floor(createdAt.getTime() / 1000),
  owned_by: owner,
});

/** GET /api/v1/models: the tenant's enabled endpoints with an active version that this key may use. */
export async function listModels(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ex.route = "models";
  const key = await admitCaller(gw, req);
  ex.attribute(key);
  const admission = await admitRequestOnly(gw, key);
  const rows = await db().endpoint.findMany({
    where: {
      tenantId: key.tenantId,
      disabledAt: null,
      // As the gateway routes: an active version that no manager has priced does not answer.
      activeVersion: { is: { priced: true } },
      ...(key.allowedEndpoints ? { name: { in: [...key.allowedEndpoints] } } : {}),
    },
    select: { name: true, createdAt: true },
    orderBy: { name: "asc" },
  });
  await record(gw.records, ex, OK);
  sendJson(res, 200, JSON.stringify({ object: "list", data: rows.map((r) => toModel(r.name, r.createdAt, key.tenant.slug)) }), admission.headers);
}

/**
 * GET /api/v1/models/{model}: one endpoint, on the same terms as a call to it: a name outside the
 * key's scope gets the same 404 as an unknown one.
 */
export async function retrieveModel(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  ex.route = "models";
  const key = await admitCaller(gw, req);
  const problem = modelNameProblem(name);
  if (problem) throw invalidRequest(problem, "model");
  ex.attribute(key);
  ex.endpointName = name;
  const endpoint = await findEndpoint(gw, key, name);
  ex.endpointId = endpoint.id;
  if (endpoint.disabled) throw modelNotFound(name, "is disabled");
  if (!endpoint.activeVersion) throw modelNotFound(name, "has no active version");
  const admission = await admitRequestOnly(gw, key);
  await record(gw.records, ex, OK);
  sendJson(res, 200, JSON.stringify(toModel(endpoint.name, endpoint.createdAt, key.tenant.slug)), admission.headers);
}
