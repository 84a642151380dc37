import Link from "next/link";
import { SearchX } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { TrailLabels } from "@/lib/audit/explorer/answers";
import type { ChangeRow, RequestRow, TrailRow } from "@/lib/audit/explorer/data";

type Props = {
  rows: TrailRow[];
  labels: TrailLabels;
  /** The page's URL with its filters, to which a row's link adds `open`. */
  hrefWith: (changes: Record<string, string | null>) => string;
  /** The explorer without filters, the next step from an empty page. */
  clearHref: string;
};

/** One page of the trail: change events and request records in one time line, each opening its detail. */
export function TrailTable({ rows, labels, hrefWith, clearHref }: Props) {
  if (rows.length === 0) {
    return (
      <EmptyState
        icon={<SearchX className="size-6" aria-hidden />}
        title="Nothing in the trail matches"
        description="Widen the time range or clear a filter."
        action={
          <Link className="text-sm underline underline-offset-2" href={clearHref}>
            Clear filters
          </Link>
        }
      />
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-card">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>When</TableHead>
            <TableHead>Kind</TableHead>
            <TableHead>Actor</TableHead>
            <TableHead>What</TableHead>
            <TableHead>Details</TableHead>
            <TableHead><span className="sr-only">Open</span></TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={`${row.kind}-${row.id}`} data-testid={`trail-${row.kind}`}>
              <TableCell className="whitespace-nowrap font-mono text-xs">
                <LocalTime value={row.at} precision="second" />
              </TableCell>
              <TableCell>
                {row.kind === "change" ? <Badge variant="outline">{`change #${row.seq}`}</Badge> : <Badge variant="secondary">request</Badge>}
              </TableCell>
              <TableCell className="whitespace-nowrap text-sm">{row.kind === "change" ? <ChangeActor row={row} /> : <RequestActor row={row} labels={labels} />}</TableCell>
              <TableCell>{row.kind === "change" ? <Badge variant="secondary" data-testid="audit-action">{row.action}</Badge> : <RequestWhat row={row} />}</TableCell>
              <TableCell className="max-w-[32rem]">{row.kind === "change" ? <Change row={row} /> : <RequestDetails row={row} labels={labels} />}</TableCell>
              <TableCell>
                <Link
                  className="text-sm underline underline-offset-2"
                  href={hrefWith({ open: row.kind === "change" ? `e:${row.seq}` : `r:${row.id}` })}
                  scroll={false}
                  aria-label={row.kind === "change" ? `Open change #${row.seq}` : `Open request ${row.id}`}
                >
                  Open
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function ChangeActor({ row }: { row: ChangeRow }) {
  return (
    <>
      {row.actorLabel ?? "—"}
      {row.actorType !== "USER" && <Badge variant="outline" className="ml-1">{row.actorType === "API_KEY" ? "key" : "system"}</Badge>}
    </>
  );
}

function RequestActor({ row, labels }: { row: RequestRow; labels: TrailLabels }) {
  const key = row.apiKeyId ? labels.keys[row.apiKeyId] : undefined;
  if (key) return <>{`${key.name} `}<span className="font-mono text-xs text-muted-foreground">{`${key.prefix}…`}</span></>;
  if (row.userId) return <>{labels.users[row.userId] ?? "a former member"}<Badge variant="outline" className="ml-1">console</Badge></>;
  return <span className="text-muted-foreground">{row.apiKeyId ? "a deleted key" : "—"}</span>;
}

function RequestWhat({ row }: { row: RequestRow }) {
  const ok = row.status < 400;
  return (
    <div className="flex flex-wrap items-center gap-1">
      <span className="font-mono text-xs">{row.route}</span>
      <Badge variant={ok ? "success" : "destructive"} data-testid="request-outcome">{ok ? String(row.status) : `${row.status} ${row.errorCode ?? ""}`.trim()}</Badge>
    </div>
  );
}

function RequestDetails({ row, labels }: { row: RequestRow; labels: TrailLabels }) {
  const version = row.modelVersionId ? labels.versions[row.modelVersionId] : undefined;
  return (
    <div className="text-xs">
      <div>
        {row.endpointName ?? "no endpoint"}
        {version && <span className="text-muted-foreground">{` · ${version.label}`}</span>}
      </div>
      <div className="text-muted-foreground">{`${row.inputTokens}+${row.outputTokens} tokens · $${row.costUsd} · ${row.latencyMs} ms`}</div>
    </div>
  );
}

function Change({ row }: { row: ChangeRow }) {
  return (
    <div className="space-y-0.5 text-xs">
      <div className="text-muted-foreground">
        {row.resourceType}
        {row.resourceId && <span className="ml-1 font-mono">{row.resourceId.slice(0, 12)}</span>}
      </div>
      {row.before != null && <div className="truncate font-mono text-destructive/80">{`− ${JSON.stringify(row.before)}`}</div>}
      {row.after != null && <div className="truncate font-mono text-success">{`+ ${JSON.stringify(row.after)}`}</div>}
    </div>
  );
}
