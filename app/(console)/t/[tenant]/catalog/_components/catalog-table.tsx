"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { LocalTime } from "@/components/ui/local-time";
import type { CatalogRow } from "@/lib/catalog/data";
import { CatalogStatusBadge, STATUS_OPTIONS, shortDigest } from "./catalog-text";

/** A catalog row as the browser gets it: the data layer's, with its time as ISO text and without what the table does not show. */
export type CatalogTableRow = Omit<CatalogRow, "fineTuneJobId" | "createdAt" | "releasedAt"> & { releasedAt: string | null };

const none = <span className="text-muted-foreground">—</span>;

function catalogColumns(base: string): ColumnDef<CatalogTableRow>[] {
  return [
    {
      accessorKey: "label",
      header: "Version",
      cell: ({ row }) => (
        <Link href={`${base}/catalog/${row.original.id}`} className="whitespace-nowrap font-medium text-primary hover:underline">
          {row.original.label}
        </Link>
      ),
    },
    { accessorKey: "endpointName", header: "Endpoint", cell: ({ row }) => <code className="whitespace-nowrap font-mono text-xs">{row.original.endpointName}</code> },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <CatalogStatusBadge status={row.original.status} /> },
    {
      id: "model",
      header: "Provider / model",
      cell: ({ row }) => (
        <span className="text-xs">
          {row.original.providerName} / <code className="font-mono">{row.original.providerModel}</code>
        </span>
      ),
    },
    { accessorKey: "baseModel", header: "Base model", cell: ({ row }) => (row.original.baseModel ? <span className="text-xs">{row.original.baseModel}</span> : none) },
    {
      accessorKey: "artifactDigest",
      header: "Artifact",
      cell: ({ row }) =>
        row.original.artifactDigest ? (
          <code className="whitespace-nowrap font-mono text-xs" title={row.original.artifactDigest}>{shortDigest(row.original.artifactDigest)}</code>
        ) : (
          none
        ),
    },
    {
      accessorKey: "releasedAt",
      header: "Released",
      cell: ({ row }) => (row.original.releasedAt ? <LocalTime value={row.original.releasedAt} precision="minute" className="whitespace-nowrap text-xs" /> : none),
    },
  ];
}

/**
 * The tenant's model versions, newest first, searched and filtered by status and endpoint on the
 * server through the URL. A row's test id is `catalog-<endpoint>-<label>`, unique in a tenant.
 */
export function CatalogTable(props: { tenant: string; endpoints: { id: string; name: string }[]; rows: CatalogTableRow[]; total: number; page: number; pageSize: number }) {
  const columns = useMemo(() => catalogColumns(`/t/${props.tenant}`), [props.tenant]);
  const endpointOptions = useMemo(() => props.endpoints.map((e) => ({ value: e.id, label: e.name })), [props.endpoints]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `catalog-${row.endpointName}-${row.label}`}
      emptyMessage="No versions match."
      filters={
        <>
          <DataTableTextFilter param="q" placeholder="Search versions" />
          <DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />
          <DataTableSelectFilter param="endpoint" label="Filter by endpoint" allLabel="All endpoints" options={endpointOptions} />
        </>
      }
    />
  );
}
