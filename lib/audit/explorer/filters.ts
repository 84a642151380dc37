import { z } from "zod";

/**
 * The audit explorer's view, as its URL carries it (so a view can be shared): which trail, the
 * filters, the order and where the page starts. Safe for the browser: the filter bar builds URLs
 * with it and the page reads them back through the same schema.
 */

/** Ids Keel makes (cuid, UUID, request ids with a clash suffix): printable ASCII, no spaces. */
const ID = /^[\x21-\x7e]{1,200}$/;
const HASH = /^[0-9a-f]{64}$/;

export const KINDS = ["all", "changes", "requests"] as const;
export type Kind = (typeof KINDS)[number];

/** `key:<id>`, `user:<id>` or `system`: who made a change or sent a request. */
export type Actor = { type: "key" | "user"; id: string } | { type: "system" };
/** `ok`, `error`, an HTTP status (`429`) or an error code (`upstream_timeout`). */
export type Outcome = { kind: "ok" } | { kind: "error" } | { kind: "status"; status: number } | { kind: "code"; code: string };

const optionalText = (max: number, pattern: RegExp, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is too long`)
    .regex(pattern, `${what} is not valid`)
    .optional()
    .or(z.literal("").transform(() => undefined));

const instant = (what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      // `datetime-local` inputs send no zone: those are read as UTC, as the page labels them.
      const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value) ? `${value}Z` : value;
      const date = new Date(text);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 9999) {
        ctx.addIssue({ code: "custom", message: `${what} is not a date and time` });
        return z.NEVER;
      }
      return date;
    });

export const explorerParamsSchema = z
  .object({
    kind: z.enum(KINDS).optional().default("all"),
    from: instant("From"),
    to: instant("To"),
    actor: optionalText(210, /^(key:|user:)[\x21-\x7e]{1,200}$|^system$/, "Actor"),
    action: optionalText(100, /^[a-z_.]{1,100}$/, "Action"),
    resource: optionalText(260, /^[a-z_]{1,50}(:[\x21-\x7e]{1,200})?$/, "Resource"),
    endpoint: optionalText(200, ID, "Endpoint"),
    version: optionalText(200, ID, "Model version"),
    outcome: optionalText(64, /^(ok|error|[1-5]\d\d|[A-Za-z0-9_.:-]{1,64})$/, "Outcome"),
    request: optionalText(200, ID, "Request id"),
    input: optionalText(64, HASH, "Input hash (64 hexadecimal characters)"),
    // As the gateway records an end user (lib/gateway/schemas.ts): untrimmed, at most 256 code points,
    // no control characters or lone surrogates.
    user: z
      .string()
      // One class, not a lookahead: `.` stops at U+2028 and U+2029, and a lone surrogate after one passed.
      .regex(/^[^\u0000-\u001f\u007f\p{Cs}]{1,256}$/u, "End user is not one Keel records (at most 256 characters, no control characters)")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    order: z.enum(["desc", "asc"]).optional().default("desc"),
    cursor: optionalText(400, /^[A-Za-z0-9_-]+$/, "Cursor"),
    back: z.literal("1").optional(),
    open: optionalText(210, /^(r:[\x21-\x7e]{1,200}|e:\d{1,10})$/, "Open"),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: "From must be before To", path: ["to"] });

export type ExplorerParams = z.infer<typeof explorerParamsSchema>;

/** The filters alone, as the data layer takes them. */
export type TrailFilters = {
  kind: Kind;
  from?: Date;
  to?: Date;
  actor?: Actor;
  action?: string;
  resource?: { type: string; id?: string };
  endpointId?: string;
  versionId?: string;
  outcome?: Outcome;
  requestId?: string;
  inputHash?: string;
  /** The end user the requests named (their `user` field). */
  endUser?: string;
};

export type ParsedExplorer =
  | { ok: true; filters: TrailFilters; params: ExplorerParams }
  | { ok: false; errors: Record<string, string[]> };

/** Reads the explorer's search params; a bad value is reported by name, and nothing is queried. */
export function parseExplorerParams(search: Record<string, string | string[] | undefined>): ParsedExplorer {
  const flat = Object.fromEntries(Object.entries(search).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = explorerParamsSchema.safeParse(flat);
  if (!parsed.success) return { ok: false, errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  const p = parsed.data;
  return { ok: true, params: p, filters: toFilters(p) };
}

function toFilters(p: ExplorerParams): TrailFilters {
  return {
    kind: p.kind,
    from: p.from,
    to: p.to,
    actor: p.actor ? readActor(p.actor) : undefined,
    action: p.action,
    resource: p.resource ? readResource(p.resource) : undefined,
    endpointId: p.endpoint,
    versionId: p.version,
    outcome: p.outcome ? readOutcome(p.outcome) : undefined,
    requestId: p.request,
    inputHash: p.input,
    endUser: p.user,
  };
}

function readActor(text: string): Actor {
  if (text === "system") return { type: "system" };
  const colon = text.indexOf(":");
  return { type: text.slice(0, colon) as "key" | "user", id: text.slice(colon + 1) };
}

function readResource(text: string): { type: string; id?: string } {
  const colon = text.indexOf(":");
  return colon === -1 ? { type: text } : { type: text.slice(0, colon), id: text.slice(colon + 1) };
}

function readOutcome(text: string): Outcome {
  if (text === "ok" || text === "error") return { kind: text };
  if (/^[1-5]\d\d$/.test(text)) return { kind: "status", status: Number(text) };
  return { kind: "code", code: text };
}

/** Filters that only change events carry: with any of them, request records are not shown. */
export const onlyChanges = (f: TrailFilters) => f.kind === "changes" || !!f.action || !!f.resource || f.actor?.type === "system";
/** Filters that only request records carry: with any of them, change events are not shown. */
export const onlyRequests = (f: TrailFilters) => f.kind === "requests" || !!f.outcome || !!f.inputHash || !!f.endUser;
