"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { KeyBudgetDialog } from "./key-budget-dialog";
import { RevokeKeyButton } from "./revoke-key-button";

export type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  allowedEndpoints: string[];
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  status: "active" | "revoked" | "expired";
  monthlyBudgetUsd: string | null;
  budgetMode: "SOFT" | "HARD";
};

const STATUS_OPTIONS = [
  { value: "active", label: "Active" },
  { value: "revoked", label: "Revoked" },
  { value: "expired", label: "Expired" },
] as const;

/** An ISO instant in the viewer's zone to the minute, or a dash. */
const when = (iso: string | null) => (iso ? <LocalTime value={iso} precision="minute" /> : "—");

function keyColumns(tenant: string, manage: boolean): ColumnDef<KeyRow>[] {
  const columns: ColumnDef<KeyRow>[] = [
    { accessorKey: "name", header: "Name", enableSorting: true, cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
    { accessorKey: "prefix", header: "Key", cell: ({ row }) => <code className="font-mono text-xs">{row.original.prefix}…</code> },
    {
      accessorKey: "allowedEndpoints",
      header: "Endpoints",
      cell: ({ row }) => <span className="text-xs">{row.original.allowedEndpoints.length ? row.original.allowedEndpoints.join(", ") : "all"}</span>,
    },
    {
      id: "limits",
      header: "Limits",
      cell: ({ row }) => (
        <span className="text-xs tabular-nums">
          {row.original.requestsPerMinute ?? "∞"} req/min · {row.original.tokensPerMinute ?? "∞"} tok/min
        </span>
      ),
    },
    {
      id: "budget",
      header: "Monthly budget",
      cell: ({ row }) => (
        <span className="whitespace-nowrap text-xs tabular-nums" data-testid="key-budget">
          {row.original.monthlyBudgetUsd ? `$${row.original.monthlyBudgetUsd} ${row.original.budgetMode === "HARD" ? "(refuses past it)" : "(alerts only)"}` : "—"}
        </span>
      ),
    },
    { accessorKey: "createdAt", header: "Created", enableSorting: true, cell: ({ row }) => <span className="whitespace-nowrap text-xs">{when(row.original.createdAt)}</span> },
    { accessorKey: "expiresAt", header: "Expires", cell: ({ row }) => <span className="whitespace-nowrap text-xs">{when(row.original.expiresAt)}</span> },
    { accessorKey: "lastUsedAt", header: "Last used", enableSorting: true, cell: ({ row }) => <span className="whitespace-nowrap text-xs">{when(row.original.lastUsedAt)}</span> },
    {
      accessorKey: "status",
      header: "Status",
      cell: ({ row }) => <Badge variant={row.original.status === "active" ? "success" : "outline"} data-testid="key-status">{row.original.status}</Badge>,
    },
  ];
  if (manage) {
    columns.push({
      id: "actions",
      header: "",
      cell: ({ row }) => (
        <div className="text-right">
          {row.original.status === "active" && (
            <>
              <KeyBudgetDialog tenant={tenant} apiKey={row.original} />
              <RevokeKeyButton tenant={tenant} apiKey={row.original} />
            </>
          )}
        </div>
      ),
    });
  }
  return columns;
}

/** The tenant's API keys, searched, filtered, sorted and paged on the server through the URL. */
export function KeysTable(props: { tenant: string; manage: boolean; rows: KeyRow[]; total: number; page: number; pageSize: number; sort: string }) {
  const columns = useMemo(() => keyColumns(props.tenant, props.manage), [props.tenant, props.manage]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      sort={props.sort}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `key-${row.name}`}
      emptyMessage="No API keys match."
      filters={
        <>
          <DataTableTextFilter param="q" placeholder="Search name…" />
          <DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />
        </>
      }
    />
  );
}
