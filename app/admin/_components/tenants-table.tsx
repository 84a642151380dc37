"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Building2 } from "lucide-react";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { ActionButton } from "@/components/forms/action-button";
import { ConfirmAction } from "@/components/forms/confirm-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { setTenantStatus } from "@/lib/tenancy/admin-actions";

type TenantRow = { id: string; slug: string; name: string; status: "ACTIVE" | "SUSPENDED"; createdAt: string; members: number };

/** Suspends a tenant after a confirmation that says what stops; resuming needs none. */
function StatusButton({ row }: { row: TenantRow }) {
  if (row.status === "SUSPENDED") {
    return (
      <ActionButton size="sm" variant="secondary" run={() => setTenantStatus({ tenantId: row.id, status: "ACTIVE" })}>
        Resume
      </ActionButton>
    );
  }
  return (
    <ConfirmAction
      trigger={<Button size="sm" variant="outline" aria-label={`Suspend ${row.name}`}>Suspend</Button>}
      title={`Suspend ${row.name}?`}
      description={
        <p>
          Suspending tenant <strong>{row.name}</strong>: every API key of it gets 403 at once, so its applications stop working, and its{" "}
          {row.members} member{row.members === 1 ? "" : "s"} can still sign in and read but change nothing. You can resume it later.
        </p>
      }
      confirmLabel="Suspend tenant"
      run={() => setTenantStatus({ tenantId: row.id, status: "SUSPENDED" })}
    />
  );
}

const columns: ColumnDef<TenantRow>[] = [
  {
    accessorKey: "name",
    header: "Name",
    enableSorting: true,
    // The platform admin opens any tenant's console from here; read-only where they are not a member.
    // Not prefetched: rendering a tenant's page records the admin's visit in its audit trail, and
    // listing tenants is not visiting them.
    cell: ({ row }) => (
      <Link href={`/t/${row.original.slug}`} prefetch={false} className="font-medium text-primary hover:underline">
        {row.original.name}
      </Link>
    ),
  },
  { accessorKey: "slug", header: "Slug", enableSorting: true, cell: ({ row }) => <code className="font-mono text-xs">{row.original.slug}</code> },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => <Badge variant={row.original.status === "ACTIVE" ? "success" : "warning"}>{row.original.status.toLowerCase()}</Badge>,
  },
  { accessorKey: "members", header: "Members", cell: ({ row }) => <span className="tabular-nums">{row.original.members}</span> },
  {
    accessorKey: "createdAt",
    header: "Created",
    enableSorting: true,
    cell: ({ row }) => <LocalTime value={row.original.createdAt} precision="minute" className="whitespace-nowrap" />,
  },
  { id: "actions", header: "", cell: ({ row }) => <StatusButton row={row.original} /> },
];

/** All tenants, searched, sorted and paged on the server. */
export function TenantsTable(props: { rows: TenantRow[]; total: number; page: number; pageSize: number; sort: string }) {
  const searched = !!useSearchParams().get("q");
  if (props.total === 0 && !searched) {
    return (
      <EmptyState
        icon={<Building2 className="size-6" aria-hidden />}
        title="No tenants yet"
        description="Create the first with New tenant above: it gets its own members, models, keys and audit trail, and its owner a sign-in link."
      />
    );
  }
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
