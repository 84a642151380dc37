"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable, DataTableTextFilter } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";

export type EndpointRow = {
  id: string;
  name: string;
  kind: "CHAT" | "EMBEDDINGS";
  description: string | null;
  enabled: boolean;
  createdAt: string;
  versions: number;
  active: {
    label: string;
    providerName: string;
    providerModel: string;
    inputPricePerMTok: string;
    outputPricePerMTok: string;
  } | null;
};

const KIND_OPTIONS = [
  { value: "chat", label: "Chat" },
  { value: "embeddings", label: "Embeddings" },
] as const;

const STATUS_OPTIONS = [
  { value: "enabled", label: "Enabled" },
  { value: "disabled", label: "Disabled" },
] as const;

function endpointColumns(base: string): ColumnDef<EndpointRow>[] {
  return [
    {
      accessorKey: "name",
      header: "Name (model)",
      enableSorting: true,
      cell: ({ row }) => (
        <>
          <Link href={`${base}/endpoints/${row.original.id}`} className="font-medium text-primary hover:underline">{row.original.name}</Link>
          {row.original.description && <div className="text-xs text-muted-foreground">{row.original.description}</div>}
        </>
      ),
    },
    { accessorKey: "kind", header: "Kind", cell: ({ row }) => <span className="text-xs">{row.original.kind === "CHAT" ? "chat" : "embeddings"}</span> },
    {
      id: "active",
      header: "Active version",
      cell: ({ row }) => {
        const { active, versions } = row.original;
        return (
          <span className="text-xs">
            {active ? <>{active.label} · {active.providerName} / <code className="font-mono">{active.providerModel}</code></> : "—"}
            <span className="text-muted-foreground"> ({versions} version{versions === 1 ? "" : "s"})</span>
          </span>
        );
      },
    },
    {
      id: "price",
      header: "Price in / out per 1M",
      cell: ({ row }) => {
        const { active } = row.original;
        return <span className="text-xs tabular-nums">{active ? `$${active.inputPricePerMTok} / $${active.outputPricePerMTok}` : "—"}</span>;
      },
    },
    {
      accessorKey: "enabled",
      header: "Status",
      cell: ({ row }) => <Badge variant={row.original.enabled ? "success" : "outline"}>{row.original.enabled ? "enabled" : "disabled"}</Badge>,
    },
    {
      accessorKey: "createdAt",
      header: "Created",
      enableSorting: true,
      cell: ({ row }) => <LocalTime value={row.original.createdAt} precision="minute" className="whitespace-nowrap text-xs" />,
    },
  ];
}

/** The tenant's endpoints, searched, filtered, sorted and paged on the server through the URL. */
export function EndpointsTable(props: { tenant: string; rows: EndpointRow[]; total: number; page: number; pageSize: number; sort: string }) {
  const columns = useMemo(() => endpointColumns(`/t/${props.tenant}`), [props.tenant]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      sort={props.sort}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `endpoint-${row.name}`}
      emptyMessage="No endpoints match."
      filters={
        <>
          <DataTableTextFilter param="q" placeholder="Search name…" />
          <DataTableSelectFilter param="kind" label="Filter by kind" allLabel="All kinds" options={KIND_OPTIONS} />
          <DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />
        </>
      }
    />
  );
}
