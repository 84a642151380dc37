import { Badge } from "@/components/ui/badge";

/** Where a version stands in the endpoint's fallback order, e.g. "fallback 1/2"; nothing when it is not a fallback. */
export function FallbackBadge({ versionId, fallbackVersionIds }: { versionId: string; fallbackVersionIds: string[] }) {
  const place = fallbackVersionIds.indexOf(versionId);
  if (place < 0) return null;
  return (
    <Badge variant="secondary" data-testid="fallback-version" title="Tried in this order when the active version's provider fails">
      fallback {place + 1}/{fallbackVersionIds.length}
    </Badge>
  );
}
