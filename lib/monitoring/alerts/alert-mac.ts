import { checkRecordMac, deriveMacKeys, recordMac, type MacKey } from "@/lib/audit/request-record-hash";
import { keysFromEnv } from "@/lib/secrets/key-spec";

/**
 * Alerts carry a MAC under a key the database does not hold (derived from the audit signing key,
 * for this purpose only), so that someone with only the database password cannot have Keel sign
 * and send an alert it never raised: a webhook delivery checks it first.
 */
const alertKeys: () => MacKey[] = keysFromEnv("KEEL_AUDIT_SIGNING_KEY", (spec) => deriveMacKeys(spec, "keel alert mac"));

export type AlertContent = {
  id: string; tenantId: string; kind: string; severity: string; subjectType: string; subjectId: string; title: string; details: unknown; dedupeKey: string; createdAt: Date;
};

/** JSON with object keys sorted at every depth: the same text before the database stores details and after it gives them back. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const canonical = (a: AlertContent) =>
  "al1" + JSON.stringify([a.id, a.tenantId, a.kind, a.severity, a.subjectType, a.subjectId, a.title, stable(a.details), a.dedupeKey, a.createdAt.toISOString()]);

export const alertMac = (a: AlertContent): string => recordMac(alertKeys()[0], canonical(a));

export const alertAuthentic = (a: AlertContent, mac: string | null): boolean => checkRecordMac(alertKeys(), canonical(a), mac) === "ok";
