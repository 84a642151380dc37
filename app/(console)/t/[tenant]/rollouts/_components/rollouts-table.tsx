"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { RolloutStatus } from "@/lib/db/generated/enums";
import { RolloutStatusBadge, STATUS_OPTIONS, stepText } from "./rollout-text";

export type RolloutRow = {
  id: string;
  endpointName: string;
  baseline: string;
  candidate: string;
  stepsBp: number[];
  stepIndex: number;
  status: RolloutStatus;
  requestedBy: string;
  createdAt: string;
  awaitingDecision: boolean;
};

function rolloutColumns(base: string): ColumnDef<RolloutRow>[] {
  return [
    { accessorKey: "endpointName", header: "Endpoint", cell: ({ row }) => <code className="font-mono text-xs">{row.original.endpointName}</code> },
    {
      id: "versions",
      header: "Candidate vs baseline",
      cell: ({ row }) => (
        <Link href={`${base}/rollouts/${row.original.id}`} className="font-medium text-primary hover:underline">
          {row.original.candidate} <span className="font-normal text-muted-foreground">vs</span> {row.original.baseline}
        </Link>
      ),
    },
    {
      id: "step",
      header: "Step",
      cell: ({ row }) => <span className="whitespace-nowrap text-xs tabular-nums">{row.original.status === "COMPLETED" ? "production" : stepText(row.original)}</span>,
    },
    {
      accessorKey: "status",
      header: "Status",
      cell: ({ row }) => (
        <div className="flex flex-wrap items-center gap-1.5">
          <RolloutStatusBadge status={row.original.status} />
          {row.original.awaitingDecision && <Badge variant="warning" data-testid="awaiting-decision">awaits a decision</Badge>}
        </div>
      ),
    },
    { accessorKey: "requestedBy", header: "Requested by", cell: ({ row }) => <span className="text-xs">{row.original.requestedBy}</span> },
    {
      accessorKey: "createdAt",
      header: "Started",
      cell: ({ row }) => <LocalTime value={row.original.createdAt} precision="minute" className="whitespace-nowrap text-xs" />,
    },
  ];
}

/** The tenant's rollouts, newest first, filtered by status and paged on the server through the URL. */
export function RolloutsTable(props: { tenant: string; rows: RolloutRow[]; total: number; page: number; pageSize: number }) {
  const columns = useMemo(() => rolloutColumns(`/t/${props.tenant}`), [props.tenant]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `rollout-${row.id}`}
      emptyMessage="No rollouts match."
      filters={<DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />}
    />
  );
}
