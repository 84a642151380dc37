import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { CatalogStatus } from "@/lib/catalog/data";

const STATUS: Record<CatalogStatus, { variant: BadgeVariant; hint: string }> = {
  draft: { variant: "outline", hint: "Never served; its entry may still change" },
  staging: { variant: "warning", hint: "The candidate of a running rollout" },
  production: { variant: "success", hint: "Active or a fallback of its endpoint" },
  retired: { variant: "secondary", hint: "Served once and no longer does" },
};

/** The statuses in the catalog's filter, as the URL carries them (`?status=draft`). */
export const STATUS_OPTIONS = Object.keys(STATUS).map((value) => ({ value, label: value }));

/** A version's catalog status as a badge: outlined draft, amber staging, green production, grey retired. */
export function CatalogStatusBadge({ status }: { status: CatalogStatus }) {
  return (
    <Badge variant={STATUS[status].variant} title={STATUS[status].hint} data-testid="catalog-status">
      {status}
    </Badge>
  );
}

/** "sha256:3f2a9c…41be": enough of a digest to tell artifacts apart; the whole one is in the title. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(":");
  const value = digest.slice(colon + 1);
  return value.length > 14 ? `${digest.slice(0, colon + 1)}${value.slice(0, 8)}…${value.slice(-4)}` : digest;
}
