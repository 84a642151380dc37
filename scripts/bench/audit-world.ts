// The bench tenant of `npm run bench:audit` and what happens in it: the rows a real tenant has
// (people, keys, providers, endpoints and their versions) and a month of console changes to them,
// drawn from a seeded generator so every run builds the same history.
import crypto from "node:crypto";
import type { AuditActor, AuditInput, AuditRequest } from "../../lib/audit/record";

/** A small fast PRNG (mulberry32): the same seed gives the same tenant and the same trail. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    /** An index drawn by weight; `cumulative` is the running sum of the weights. */
    weighted: (cumulative: readonly number[]) => {
      const x = next() * cumulative[cumulative.length - 1];
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > x) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    hex: (bytes: number) => {
      let out = "";
      for (let i = 0; i < bytes; i += 4) out += ((next() * 4294967296) >>> 0).toString(16).padStart(8, "0");
      return out.slice(0, bytes * 2);
    },
  };
}
export type Rng = ReturnType<typeof prng>;

export const cumulative = (weights: number[]) => weights.reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);
/** Zipf-like weights 1, 1/2, 1/3 …: a few busy keys and endpoints, a long tail. */
export const zipf = (n: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1));

export type Person = { id: string; email: string; membershipId: string; role: "OWNER" | "ADMIN" | "DEVELOPER" | "AUDITOR" | "APPROVER" | "VIEWER"; ip: string };
export type Key = { id: string; name: string; prefix: string; revokeAt: number | null };
export type Version = { id: string; label: string; providerId: string; providerModel: string; inPrice: number; outPrice: number };
/** `retiredAt`: after this time (ms) nobody changes or calls the endpoint any more. */
export type Endpoint = { id: string; name: string; kind: "CHAT" | "EMBEDDINGS"; versions: Version[]; retiredAt?: number };
export type Provider = { id: string; name: string; baseUrl: string };

/** One tenant's rows; `activations` is filled as the history is generated (when each version became active). */
export type TenantShape = {
  id: string;
  slug: string;
  people: Person[];
  keys: Key[];
  providers: Provider[];
  endpoints: Endpoint[];
  /** Per endpoint: times (ms) and the version active from then on, in time order. */
  activations: Map<string, { at: number[]; versionId: string[] }>;
};

/** A cuid-shaped id (`c` and 24 lowercase hex digits), as Prisma's defaults make them. */
export const cuid = (rng: Rng) => `c${rng.hex(12)}`;

const ROLES: Person["role"][] = ["OWNER", "ADMIN", "ADMIN", "DEVELOPER", "DEVELOPER", "DEVELOPER", "DEVELOPER", "AUDITOR", "APPROVER", "VIEWER"];
const MODELS = ["gpt-4o-mini", "gpt-4o", "llama-3.1-8b", "mistral-small", "text-embedding-3-small", "text-embedding-3-large"];

/** A tenant with `people` members, `keys` API keys (the last `revoked` revoked during the month), and endpoints with these version counts. */
export function makeTenant(rng: Rng, slug: string, size: { people: number; keys: number; revoked: number; versions: number[]; embeddings: number }): TenantShape {
  const people = Array.from({ length: size.people }, (_, i): Person => ({
    id: cuid(rng), email: `${slug}-member-${i + 1}@bench.test`, membershipId: cuid(rng), role: ROLES[i % ROLES.length], ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
  }));
  const keys = Array.from({ length: size.keys }, (_, i): Key => ({
    id: cuid(rng), name: `${slug}-key-${String(i + 1).padStart(2, "0")}`, prefix: `keel_${rng.hex(4)}`, revokeAt: i >= size.keys - size.revoked ? 0 : null,
  }));
  const providers = ["openai", "local-vllm"].map((name): Provider => ({ id: cuid(rng), name, baseUrl: `https://${name}.example.test/v1` }));
  const endpoints = size.versions.map((count, e): Endpoint => {
    const kind = e >= size.versions.length - size.embeddings ? "EMBEDDINGS" : "CHAT";
    return {
      id: cuid(rng),
      name: `${kind === "CHAT" ? "chat" : "embed"}-${e + 1}`,
      kind,
      versions: Array.from({ length: count }, (_, v): Version => ({
        id: cuid(rng),
        label: `v${v + 1}`,
        providerId: providers[v % providers.length].id,
        providerModel: kind === "CHAT" ? MODELS[v % 4] : MODELS[4 + (v % 2)],
        inPrice: [0.15, 2.5, 0.05, 0.2][v % 4],
        outPrice: kind === "CHAT" ? [0.6, 10, 0.08, 0.6][v % 4] : 0,
      })),
    };
  });
  return { id: cuid(rng), slug, people, keys, providers, endpoints, activations: new Map() };
}

/** One change as the console's action would record it: who, from where, and what. */
export type Change = { at: number; actor: AuditActor; request: AuditRequest; event: AuditInput };

const BROWSERS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
];
const SYSTEM: AuditActor = { type: "SYSTEM", id: null, label: "keel" };
const NO_REQUEST: AuditRequest = { ip: null, userAgent: null, requestId: null };

const describeVersion = (v: Version) => ({
  id: v.id, label: v.label, providerId: v.providerId, providerModel: v.providerModel, params: {},
  inputPricePerMTok: v.inPrice.toString(), outputPricePerMTok: v.outPrice.toString(), priced: true,
});

/**
 * The tenant's history, `count` events: its set-up (creation, members, providers, endpoints with
 * their versions, keys) at `start`, then console changes at random times up to `end`, in the mix a
 * busy tenant makes (mostly version activations, prices and fallbacks; roles, provider keys,
 * budget, sign-outs; a few key revocations). Records which version each endpoint had active when.
 */
export function* tenantHistory(rng: Rng, t: TenantShape, count: number, start: number, end: number): Generator<Change> {
  const owner = t.people[0];
  const byUser = (p: Person) => ({ actor: { type: "USER", id: p.id, label: p.email } as AuditActor, request: { ip: p.ip, userAgent: BROWSERS[p.ip.length % BROWSERS.length], requestId: crypto.randomUUID() } });
  const managers = t.people.filter((p) => p.role === "OWNER" || p.role === "ADMIN");
  const builders = t.people.filter((p) => p.role === "OWNER" || p.role === "ADMIN" || p.role === "DEVELOPER");
  const active = new Map(t.endpoints.map((e) => [e.id, e.versions[0]]));
  const fallbacks = new Map<string, string[]>(t.endpoints.map((e) => [e.id, []]));
  for (const e of t.endpoints) t.activations.set(e.id, { at: [start], versionId: [e.versions[0].id] });

  const setup: Omit<Change, "at">[] = [
    { actor: SYSTEM, request: NO_REQUEST, event: { action: "tenant.created", resourceType: "tenant", resourceId: t.id, after: { name: t.slug, slug: t.slug, status: "ACTIVE" } } },
    { actor: SYSTEM, request: NO_REQUEST, event: { action: "member.invited", resourceType: "membership", resourceId: owner.membershipId, after: { email: owner.email, role: "OWNER", newAccount: true } } },
    ...t.people.slice(1).flatMap((p) => [
      { ...byUser(owner), event: { action: "member.invited", resourceType: "membership", resourceId: p.membershipId, after: { email: p.email, role: p.role, newAccount: true } } },
      { ...byUser(p), event: { action: "member.joined", resourceType: "user", resourceId: p.id, after: { name: p.email.split("@")[0] } } },
    ]),
    ...t.providers.map((p) => ({ ...byUser(owner), event: { action: "provider.created", resourceType: "provider", resourceId: p.id, after: { name: p.name, kind: "OPENAI_COMPATIBLE", baseUrl: p.baseUrl, hasApiKey: true } } })),
    ...t.endpoints.flatMap((e) => [
      { ...byUser(owner), event: { action: "endpoint.created", resourceType: "endpoint", resourceId: e.id, after: { name: e.name, kind: e.kind, activeVersion: describeVersion(e.versions[0]) } } },
      ...e.versions.slice(1).map((v) => ({ ...byUser(owner), event: { action: "endpoint.version_added", resourceType: "endpoint", resourceId: e.id, after: { version: describeVersion(v), activated: false } } })),
    ]),
    ...t.keys.map((k) => ({
      ...byUser(owner),
      event: { action: "api_key.created", resourceType: "api_key", resourceId: k.id, after: { name: k.name, prefix: k.prefix, allowedEndpoints: [], requestsPerMinute: null, tokensPerMinute: null } },
    })),
  ];
  let emitted = 0;
  for (const c of setup) {
    if (emitted >= count) return;
    yield { ...c, at: start + emitted * 1000 };
    emitted += 1;
  }

  const rest = count - emitted;
  const times = new Float64Array(rest);
  const from = start + emitted * 1000;
  for (let i = 0; i < rest; i++) times[i] = from + rng.next() * (end - from);
  times.sort();
  // The revoked keys go at evenly spread points of the month.
  const revoking = t.keys.filter((k) => k.revokeAt !== null);
  const revokeAt = new Map(revoking.map((k, i) => [Math.floor(((i + 1) * rest) / (revoking.length + 1)), k]));
  const endpointWeights = cumulative(zipf(t.endpoints.length));
  const MIX = cumulative([40, 15, 15, 10, 8, 6, 6]);
  let budget = 500;
  for (let i = 0; i < rest; i++) {
    const at = Math.floor(times[i]);
    const revoked = revokeAt.get(i);
    if (revoked) {
      revoked.revokeAt = at;
      yield { at, ...byUser(rng.pick(managers)), event: { action: "api_key.revoked", resourceType: "api_key", resourceId: revoked.id, before: { name: revoked.name, prefix: revoked.prefix, revokedAt: null }, after: { revokedAt: new Date(at).toISOString() } } };
      continue;
    }
    const e = endpointAt(t, rng.weighted(endpointWeights), at);
    const current = active.get(e.id)!;
    switch (rng.weighted(MIX)) {
      case 0: {
        const next = rng.pick(e.versions.filter((v) => v.id !== current.id));
        const fb = fallbacks.get(e.id)!.filter((id) => id !== next.id);
        yield { at, ...byUser(rng.pick(builders)), event: { action: "endpoint.version_activated", resourceType: "endpoint", resourceId: e.id, before: { activeVersionId: current.id, fallbackVersionIds: fallbacks.get(e.id) }, after: { activeVersionId: next.id, label: next.label, fallbackVersionIds: fb } } };
        active.set(e.id, next);
        fallbacks.set(e.id, fb);
        const timeline = t.activations.get(e.id)!;
        timeline.at.push(at);
        timeline.versionId.push(next.id);
        break;
      }
      case 1: {
        const v = rng.pick(e.versions);
        const prices = (inPrice: number, outPrice: number) => ({ inputPricePerMTok: inPrice.toString(), outputPricePerMTok: outPrice.toString(), priced: true });
        const before = prices(v.inPrice, v.outPrice);
        v.inPrice = Math.round(v.inPrice * (0.8 + rng.next() * 0.4) * 1e6) / 1e6;
        yield { at, ...byUser(rng.pick(managers)), event: { action: "endpoint.version_priced", resourceType: "endpoint", resourceId: e.id, before: { versionId: v.id, label: v.label, ...before }, after: { versionId: v.id, label: v.label, ...prices(v.inPrice, v.outPrice), activated: false } } };
        break;
      }
      case 2: {
        const ids = e.versions.filter((v) => v.id !== current.id && rng.next() < 0.5).slice(0, 3).map((v) => v.id);
        yield { at, ...byUser(rng.pick(builders)), event: { action: "endpoint.fallbacks_set", resourceType: "endpoint", resourceId: e.id, before: { fallbackVersionIds: fallbacks.get(e.id) }, after: { fallbackVersionIds: ids, labels: ids.map((id) => e.versions.find((v) => v.id === id)!.label) } } };
        fallbacks.set(e.id, ids);
        break;
      }
      case 3: {
        const p = rng.pick(t.people.slice(1));
        const role = rng.pick(ROLES.slice(1).filter((r) => r !== p.role));
        yield { at, ...byUser(rng.pick(managers)), event: { action: "member.role_changed", resourceType: "membership", resourceId: p.membershipId, before: { email: p.email, role: p.role }, after: { email: p.email, role } } };
        p.role = role;
        break;
      }
      case 4: {
        const p = rng.pick(t.providers);
        yield { at, ...byUser(rng.pick(managers)), event: { action: "provider.updated", resourceType: "provider", resourceId: p.id, before: { baseUrl: p.baseUrl, hasApiKey: true }, after: { baseUrl: p.baseUrl, hasApiKey: true, keyReplaced: true } } };
        break;
      }
      case 5: {
        const next = rng.int(1, 40) * 50;
        yield { at, ...byUser(owner), event: { action: "tenant.budget_changed", resourceType: "tenant", resourceId: t.id, before: { monthlyBudgetUsd: budget.toFixed(2) }, after: { monthlyBudgetUsd: next.toFixed(2) } } };
        budget = next;
        break;
      }
      default: {
        const p = rng.pick(t.people);
        yield { at, ...byUser(p), event: { action: "user.signed_out_everywhere", resourceType: "user", resourceId: p.id } };
      }
    }
  }
}

/** The endpoint drawn, or the busiest one when the drawn one was retired by `at`. */
export function endpointAt(t: TenantShape, drawn: number, at: number): Endpoint {
  const e = t.endpoints[drawn];
  return e.retiredAt !== undefined && at > e.retiredAt ? t.endpoints[0] : e;
}

/** The version an endpoint had active at `at` (ms), from the history's activations. */
export function activeAt(t: TenantShape, endpointId: string, at: number): string {
  const { at: times, versionId } = t.activations.get(endpointId)!;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return versionId[lo];
}
