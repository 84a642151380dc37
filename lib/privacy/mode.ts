import type { RequestContentView } from "./data";

/** The audit event a change of the tenant's content storage writes (lib/tenancy/settings-actions.ts). */
export const CONTENT_RETENTION_CHANGED = "tenant.content_retention_changed";

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/** One plain sentence saying what Keel stores of a tenant's requests, for the pages that show it. */
export function contentModeSentence(retentionDays: number | null): string {
  return retentionDays === null
    ? "This tenant keeps input hashes only: Keel stores a hash of each request's input, never the prompt or the response."
    : `This tenant stores prompts and responses, redacted (emails, phone numbers, card numbers, national ids), for ${days(retentionDays)}; then they are purged, and the hashes and seals stay valid.`;
}

/** What a request's detail says in place of its content when it holds none. */
export function contentAbsenceText(view: Exclude<RequestContentView, { kind: "stored" }>): string {
  switch (view.kind) {
    case "purged":
      return `Purged after ${days(view.retentionDays)}, the tenant's retention when the request was made. The record, its input hash and its seal remain.`;
    case "hashes-only":
      return view.storingNow
        ? "Not stored (this tenant kept input hashes only when the request was made)."
        : "Not stored (this tenant keeps input hashes only).";
    case "missing":
      return "Not stored: content storage was on, but no content was kept for this request (its write failed or is still on its way).";
  }
}
