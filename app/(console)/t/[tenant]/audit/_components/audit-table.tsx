"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { Badge } from "@/components/ui/badge";

export type AuditRow = {
  id: string;
  seq: number;
  createdAt: string;
  actorType: string;
  actorLabel: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
  hash: string;
};

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before == null && after == null) return <span className="text-muted-foreground">—</span>;
  return (
    <div className="space-y-0.5 font-mono text-xs">
      {before != null && <div className="text-destructive/80">− {JSON.stringify(before)}</div>}
      {after != null && <div className="text-success">+ {JSON.stringify(after)}</div>}
    </div>
  );
}

const columns: ColumnDef<AuditRow>[] = [
  { accessorKey: "seq", header: "#", enableSorting: true, cell: ({ row }) => <span className="font-mono text-xs">{row.original.seq}</span> },
  {
    accessorKey: "createdAt",
    header: "When",
    cell: ({ row }) => <time dateTime={row.original.createdAt} className="whitespace-nowrap text-xs">{row.original.createdAt.replace("T", " ").slice(0, 19)}</time>,
  },
  {
    accessorKey: "actorLabel",
    header: "Actor",
    cell: ({ row }) => (
      <div className="text-sm">
        {row.original.actorLabel ?? "—"}
        {row.original.actorType !== "USER" && <Badge variant="outline" className="ml-1">{row.original.actorType.toLowerCase()}</Badge>}
      </div>
    ),
  },
  { accessorKey: "action", header: "Action", cell: ({ row }) => <Badge variant="secondary" data-testid="audit-action">{row.original.action}</Badge> },
  {
    accessorKey: "resourceType",
    header: "Resource",
    cell: ({ row }) => (
      <div className="text-xs">
        {row.original.resourceType}
        <div className="font-mono text-muted-foreground">{row.original.resourceId?.slice(0, 12)}</div>
      </div>
    ),
  },
  { id: "change", header: "Change", cell: ({ row }) => <Change before={row.original.before} after={row.original.after} /> },
  { accessorKey: "ip", header: "IP", cell: ({ row }) => <span className="font-mono text-xs">{row.original.ip ?? "—"}</span> },
  { accessorKey: "hash", header: "Hash", cell: ({ row }) => <span className="font-mono text-xs text-muted-foreground" title={row.original.hash}>{row.original.hash.slice(0, 10)}…</span> },
];

/** The audit events, paged, sorted and filtered on the server through the URL. */
export function AuditTable(props: { rows: AuditRow[]; total: number; page: number; pageSize: number; sort: string; actions: string[] }) {
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      sort={props.sort}
      emptyMessage="No audit events match."
      filters={
        <div className="flex flex-wrap gap-2">
          <DataTableSelectFilter
            param="action"
            label="Filter by action"
            allLabel="All actions"
            options={props.actions.map((a) => ({ value: a, label: a }))}
            className="sm:w-56"
          />
          <DataTableTextFilter param="actor" placeholder="Filter by actor…" />
        </div>
      }
    />
  );
}
