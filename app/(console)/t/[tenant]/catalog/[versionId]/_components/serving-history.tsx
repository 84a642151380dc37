import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ServingPeriod } from "@/lib/catalog/data";

/** How each period began, when no rollout brought it. */
const HOW: Record<string, string> = {
  "endpoint.created": "created with the endpoint",
  "endpoint.version_added": "added as the active version",
  "endpoint.version_priced": "activated when priced",
  "endpoint.version_activated": "activated by hand",
};

/** Which version served the endpoint when, newest first, from the signed trail. */
export function ServingHistory({ base, versionId, periods }: { base: string; versionId: string; periods: ServingPeriod[] }) {
  if (periods.length === 0) return <p className="px-6 text-sm text-muted-foreground">No version of this endpoint has served yet.</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Version</TableHead>
          <TableHead>From</TableHead>
          <TableHead>To</TableHead>
          <TableHead>By</TableHead>
          <TableHead>How</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {periods.map((p) => (
          <TableRow key={p.seq} data-testid={`period-${p.seq}`}>
            <TableCell>
              <span className="flex items-center gap-2">
                <Link href={`${base}/catalog/${p.versionId}`} className="font-medium text-primary hover:underline">{p.label}</Link>
                {p.versionId === versionId && <Badge variant="outline">this version</Badge>}
              </span>
            </TableCell>
            <TableCell className="whitespace-nowrap text-xs"><LocalTime value={p.from} precision="minute" /></TableCell>
            <TableCell className="whitespace-nowrap text-xs">{p.to ? <LocalTime value={p.to} precision="minute" /> : <strong>now</strong>}</TableCell>
            <TableCell className="text-xs">{p.by ?? "—"}</TableCell>
            <TableCell className="text-xs">
              {p.rolloutId ? (
                <Link href={`${base}/rollouts/${p.rolloutId}`} className="underline underline-offset-2">a rollout</Link>
              ) : (
                (HOW[p.action] ?? p.action)
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
