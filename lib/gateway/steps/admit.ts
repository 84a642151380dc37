import type { IncomingMessage } from "node:http";
import type { EndpointKind } from "@/lib/db/generated/enums";
import type { BudgetLease } from "../budget";
import type { GatewayEndpoint, GatewayVersion } from "../endpoints";
import { modelNotFound } from "../errors";
import type { Metered } from "../exchange";
import type { Gateway } from "../gateway";
import { authenticate, type GatewayKey } from "../keys";
import type { LimitsAdmission, RateLimitHeaders } from "../limits";
import { costUsd, limiterTokens, reservedUsage, type UsageEstimate } from "../tokens";
import { reachableVersions } from "./route";
import { andThen, attempt, type MaybePromise } from "../maybe-promise";

/**
 * The admit step comes in two halves around parse. The first, from the headers alone: who is
 * calling. It runs before the body is read, so a caller without a valid key never makes Keel
 * parse or hash what it sent; failed lookups count against the caller's address.
 */
export function admitCaller(gw: Gateway, req: IncomingMessage): MaybePromise<GatewayKey> {
  return andThen(authenticate(req, gw.auth, gw.limits.failedKeys), (key) => {
    if (!key.userId) gw.lastUsed.touch(key.id);
    return key;
  });
}

/**
 * An endpoint of the key's tenant that the key may use, else 404. A name outside the key's scope
 * gets the very answer an unknown name gets, as OpenAI answers (the official client raises
 * NotFoundError for both), and is checked before the lookup, so a restricted key learns nothing
 * about the names it may not use. It may be disabled: admit() refuses that, so the refusal is
 * recorded against the endpoint; a pipeline that does not go through admit() must refuse it itself.
 */
export function findEndpoint(gw: Gateway, key: GatewayKey, model: string): MaybePromise<GatewayEndpoint> {
  return attempt(() => {
    if (key.allowedEndpoints && !key.allowedEndpoints.has(model)) throw modelNotFound(model);
    return andThen(gw.lookupEndpoint(key.tenantId, model), (endpoint) => {
      if (!endpoint) throw modelNotFound(model);
      return endpoint;
    });
  });
}

/**
 * What admission holds until the request ends: the budget's reservation and the rate limiter's
 * tokens. `settle` gives both back against what the request really used; it runs once, however
 * often it is called, so pipelines settle it in a `finally` and every path (errors, a client gone,
 * a stream cut) ends the lease. `headers` are the rate-limit headers the answer carries.
 */
export type Admission = { settle: (metered: Metered) => void; headers: RateLimitHeaders };

/**
 * The second half, once the body is parsed: the endpoint serves this kind of request and has a
 * version to answer it, the budget holds the most the request may cost on any version it may be
 * routed to, and the rate limits reserve its tokens. `estimate` sizes the request as one version
 * would receive it (its params are defaults under the caller's body).
 */
export function admit(
  gw: Gateway,
  key: GatewayKey,
  endpoint: GatewayEndpoint,
  kind: EndpointKind,
  estimate: (version: GatewayVersion) => UsageEstimate,
): MaybePromise<Admission> {
  return attempt(() => {
    const name = endpoint.name;
    if (endpoint.disabled) throw modelNotFound(name, "is disabled");
    if (endpoint.kind !== kind) throw modelNotFound(name, kind === "CHAT" ? "is an embeddings model; it does not support chat completions" : "is a chat model; it does not support embeddings");
    const versions = reachableVersions(endpoint, key);
    if (versions.length === 0) throw modelNotFound(name, key.pinnedVersionId !== undefined ? "has no such version that can answer (it may be unpriced)" : "has no active version");
    const estimates = versions.map(estimate);
    const most = mostCostly(versions, estimates);
    const tokens = Math.max(...estimates.map(limiterTokens));
    const budget = gw.budget.reserve(key.tenant, most);
    if (budget instanceof Promise || key.monthlyBudgetUsd != null) return admitWithBudgets(gw, key, most, tokens, budget);
    // The common case, answered without a promise: the tenant's spend is known, the key has no
    // budget of its own, and no limit is counted in Redis.
    const limits = gw.limits.admit(key, tokens);
    if (!(limits instanceof Promise)) return admission([budget], limits);
    return limits.then(
      (l) => admission([budget], l),
      (error: unknown) => {
        budget.settle(0);
        throw error;
      },
    );
  });
}

/** admit() once the tenant's spend has been read, or when the key has a monthly budget of its own. */
async function admitWithBudgets(gw: Gateway, key: GatewayKey, most: number, tokens: number, tenantBudget: MaybePromise<BudgetLease>): Promise<Admission> {
  const budget = await tenantBudget;
  let keyBudget: BudgetLease | null = null;
  let limits: LimitsAdmission;
  try {
    if (key.monthlyBudgetUsd != null) keyBudget = await gw.keyBudget.reserve({ id: key.id, tenantId: key.tenantId, monthlyBudgetUsd: key.monthlyBudgetUsd }, most);
    limits = await gw.limits.admit(key, tokens);
  } catch (error) {
    budget.settle(0);
    keyBudget?.settle(0);
    throw error;
  }
  return admission([budget, ...(keyBudget ? [keyBudget] : [])], limits);
}

/** Admission for a request that uses no tokens and costs nothing (GET /models): the request limits alone. */
export async function admitRequestOnly(gw: Gateway, key: GatewayKey): Promise<Admission> {
  const limits = await gw.limits.admit(key, 0);
  limits.settle(0);
  return { settle: () => {}, headers: limits.headers };
}

function admission(budgets: BudgetLease[], limits: LimitsAdmission): Admission {
  let settled = false;
  return {
    headers: limits.headers,
    settle: ({ usage, costUsd: cost }) => {
      if (settled) return;
      settled = true;
      limits.settle(usage.inputTokens + usage.outputTokens);
      for (const budget of budgets) budget.settle(cost);
    },
  };
}

/** A fallback may cost more than the active version: hold the most any candidate could cost. */
function mostCostly(versions: GatewayVersion[], estimates: UsageEstimate[]): number {
  let most = 0;
  versions.forEach((v, i) => (most = Math.max(most, costUsd(reservedUsage(estimates[i]), v.prices))));
  return most;
}
