"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { LocalTime } from "@/components/ui/local-time";
import type { EvalRunStatus } from "@/lib/db/generated/enums";
import { RunStatusBadge, STATUS_OPTIONS, passRateText, progressText, scoreText } from "./eval-text";

export type RunRow = {
  id: string;
  datasetName: string;
  endpointName: string | null;
  versionLabel: string | null;
  scorerLabel: string;
  done: number;
  total: number;
  passed: number;
  meanScore: number | null;
  status: EvalRunStatus;
  createdAt: string;
};

function runColumns(base: string): ColumnDef<RunRow>[] {
  return [
    {
      accessorKey: "datasetName",
      header: "Dataset",
      cell: ({ row }) => (
        <Link href={`${base}/evals/runs/${row.original.id}`} className="font-medium text-primary hover:underline">{row.original.datasetName}</Link>
      ),
    },
    {
      id: "version",
      header: "Endpoint / version",
      cell: ({ row }) => (
        <span className="text-xs">
          {row.original.endpointName ? <code className="font-mono">{row.original.endpointName}</code> : "a removed endpoint"} / {row.original.versionLabel ?? "a removed version"}
        </span>
      ),
    },
    { accessorKey: "scorerLabel", header: "Scorer", cell: ({ row }) => <span className="whitespace-nowrap text-xs">{row.original.scorerLabel}</span> },
    { id: "progress", header: "Progress", cell: ({ row }) => <span className="whitespace-nowrap text-xs tabular-nums" data-testid="run-done">{progressText(row.original)}</span> },
    { accessorKey: "meanScore", header: "Mean score", cell: ({ row }) => <span className="text-xs tabular-nums">{scoreText(row.original.meanScore)}</span> },
    { id: "passRate", header: "Pass rate", cell: ({ row }) => <span className="whitespace-nowrap text-xs tabular-nums">{passRateText(row.original)}</span> },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <RunStatusBadge status={row.original.status} /> },
    {
      accessorKey: "createdAt",
      header: "Started",
      cell: ({ row }) => <LocalTime value={row.original.createdAt} precision="minute" className="whitespace-nowrap text-xs" />,
    },
  ];
}

/** The tenant's evaluation runs, newest first, filtered by status and paged on the server through the URL. */
export function RunsTable(props: { tenant: string; rows: RunRow[]; total: number; page: number; pageSize: number }) {
  const columns = useMemo(() => runColumns(`/t/${props.tenant}`), [props.tenant]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `run-${row.id}`}
      emptyMessage="No runs match."
      filters={<DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />}
    />
  );
}
