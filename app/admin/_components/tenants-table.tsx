"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { ActionButton } from "@/components/forms/action-button";
import { Badge } from "@/components/ui/badge";
import { setTenantStatus } from "@/lib/tenancy/admin-actions";

type TenantRow = { id: string; slug: string; name: string; status: "ACTIVE" | "SUSPENDED"; createdAt: string; members: number };

function StatusButton({ row }: { row: TenantRow }) {
  const next = row.status === "ACTIVE" ? "SUSPENDED" : "ACTIVE";
  return (
    <ActionButton size="sm" variant={next === "SUSPENDED" ? "outline" : "secondary"} run={() => setTenantStatus({ tenantId: row.id, status: next })}>
      {next === "SUSPENDED" ? "Suspend" : "Resume"}
    </ActionButton>
  );
}

const columns: ColumnDef<TenantRow>[] = [
  { accessorKey: "name", header: "Name", enableSorting: true, cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
  { accessorKey: "slug", header: "Slug", enableSorting: true, cell: ({ row }) => <code className="font-mono text-xs">{row.original.slug}</code> },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => <Badge variant={row.original.status === "ACTIVE" ? "success" : "warning"}>{row.original.status.toLowerCase()}</Badge>,
  },
  { accessorKey: "members", header: "Members", cell: ({ row }) => <span className="tabular-nums">{row.original.members}</span> },
  { accessorKey: "createdAt", header: "Created", enableSorting: true, cell: ({ row }) => row.original.createdAt.slice(0, 10) },
  { id: "actions", header: "", cell: ({ row }) => <StatusButton row={row.original} /> },
];

/** All tenants, searched, sorted and paged on the server. */
export function TenantsTable(props: { rows: TenantRow[]; total: number; page: number; pageSize: number; sort: string }) {
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      sort={props.sort}
      emptyMessage="No tenants match."
      filters={<DataTableTextFilter param="q" placeholder="Search name or slug…" />}
    />
  );
}
