"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { LocalTime } from "@/components/ui/local-time";

export type PromptRow = {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  endpointName: string | null;
  fetchCount: number;
  updatedAt: string;
};

const count = new Intl.NumberFormat("en-US");

function promptColumns(base: string): ColumnDef<PromptRow>[] {
  return [
    {
      accessorKey: "name",
      header: "Name",
      enableSorting: true,
      cell: ({ row }) => (
        <>
          <Link href={`${base}/prompts/${encodeURIComponent(row.original.name)}`} className="font-medium text-primary hover:underline">
            {row.original.name}
          </Link>
          {row.original.description && <div className="text-xs text-muted-foreground">{row.original.description}</div>}
        </>
      ),
    },
    { accessorKey: "latestVersion", header: "Newest", cell: ({ row }) => <span className="text-xs tabular-nums">v{row.original.latestVersion}</span> },
    {
      accessorKey: "endpointName",
      header: "Endpoint",
      cell: ({ row }) => (row.original.endpointName ? <code className="font-mono text-xs">{row.original.endpointName}</code> : <span className="text-xs text-muted-foreground">none</span>),
    },
    { accessorKey: "fetchCount", header: "Fetches", enableSorting: true, cell: ({ row }) => <span className="text-xs tabular-nums">{count.format(row.original.fetchCount)}</span> },
    {
      accessorKey: "updatedAt",
      header: "Updated",
      enableSorting: true,
      cell: ({ row }) => <LocalTime value={row.original.updatedAt} precision="minute" className="whitespace-nowrap text-xs" />,
    },
  ];
}

/** The prompt library, searched (name and description), sorted and paged on the server through the URL. */
export function PromptsTable(props: { base: string; rows: PromptRow[]; total: number; page: number; pageSize: number; sort: string }) {
  const columns = useMemo(() => promptColumns(props.base), [props.base]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      sort={props.sort}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `prompt-${row.name}`}
      emptyMessage="No prompts match."
      filters={<DataTableTextFilter param="q" placeholder="Search name or description…" />}
    />
  );
}
