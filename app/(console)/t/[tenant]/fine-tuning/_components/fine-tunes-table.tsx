"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { LocalTime } from "@/components/ui/local-time";
import type { FineTuneStatus } from "@/lib/db/generated/enums";
import { CancelFineTuneButton } from "./cancel-fine-tune-button";
import { FineTuneStatusBadge, STATUS_OPTIONS, isLive } from "./fine-tune-text";

export type FineTuneRow = {
  id: string;
  trainingName: string;
  trainingExamples: number;
  trainingHash: string;
  baseModel: string;
  fineTunedModel: string | null;
  providerName: string | null;
  endpointId: string;
  endpointName: string | null;
  status: FineTuneStatus;
  providerStatus: string | null;
  cancelRequested: boolean;
  error: string | null;
  versionId: string | null;
  versionLabel: string | null;
  launchedBy: string;
  createdAt: string;
};

const LINK = "underline underline-offset-2 hover:text-primary";

function StatusCell({ row }: { row: FineTuneRow }) {
  return (
    <div className="max-w-72 space-y-1">
      <div className="flex flex-wrap items-center gap-1.5">
        <FineTuneStatusBadge status={row.status} />
        {row.status === "RUNNING" && row.providerStatus && (
          <span data-testid="finetune-provider-status" className="text-xs text-muted-foreground" title="The provider's own word for where the job is">
            {row.cancelRequested ? "cancelling" : row.providerStatus.replaceAll("_", " ")}
          </span>
        )}
      </div>
      {row.error && (
        <p data-testid="finetune-error" className="text-xs text-destructive">
          {row.error}
        </p>
      )}
    </div>
  );
}

function fineTuneColumns(tenant: string, canCancel: boolean): ColumnDef<FineTuneRow>[] {
  const base = `/t/${tenant}`;
  const columns: ColumnDef<FineTuneRow>[] = [
    {
      id: "training",
      header: "Training file",
      cell: ({ row }) => (
        <div className="max-w-56">
          <p className="truncate font-medium" title={`${row.original.trainingName} · sha256 ${row.original.trainingHash}`}>{row.original.trainingName}</p>
          <p data-testid="finetune-examples" className="text-xs tabular-nums text-muted-foreground">
            {row.original.trainingExamples.toLocaleString("en-US")} {row.original.trainingExamples === 1 ? "example" : "examples"}
          </p>
        </div>
      ),
    },
    {
      id: "model",
      header: "Model",
      cell: ({ row }) => (
        <div className="space-y-0.5 text-xs">
          <code className="font-mono">{row.original.baseModel}</code>
          <p className="text-muted-foreground">
            →{" "}
            {row.original.fineTunedModel ? (
              <code data-testid="finetune-model" className="break-all font-mono text-foreground">{row.original.fineTunedModel}</code>
            ) : isLive(row.original.status) ? (
              "not yet"
            ) : (
              "none"
            )}
          </p>
        </div>
      ),
    },
    { id: "provider", header: "Provider", cell: ({ row }) => <span className="text-xs">{row.original.providerName ?? "a removed provider"}</span> },
    {
      id: "endpoint",
      header: "Endpoint",
      cell: ({ row }) =>
        row.original.endpointName ? (
          <Link href={`${base}/endpoints/${row.original.endpointId}`} className={`whitespace-nowrap font-mono text-xs ${LINK}`}>
            {row.original.endpointName}
          </Link>
        ) : (
          <span className="text-xs text-muted-foreground">a removed endpoint</span>
        ),
    },
    { accessorKey: "status", header: "Status", cell: ({ row }) => <StatusCell row={row.original} /> },
    {
      id: "version",
      header: "Result",
      cell: ({ row }) =>
        row.original.versionId ? (
          <Link data-testid="finetune-version" href={`${base}/catalog/${row.original.versionId}`} className={`whitespace-nowrap text-xs font-medium ${LINK}`}>
            {row.original.versionLabel ?? "the version"}
          </Link>
        ) : (
          <span className="text-xs text-muted-foreground">—</span>
        ),
    },
    { accessorKey: "launchedBy", header: "Launched by", cell: ({ row }) => <span className="text-xs">{row.original.launchedBy}</span> },
    {
      accessorKey: "createdAt",
      header: "Launched",
      cell: ({ row }) => <LocalTime value={row.original.createdAt} precision="minute" className="whitespace-nowrap text-xs" />,
    },
  ];
  if (!canCancel) return columns;
  return [
    ...columns,
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        isLive(row.original.status) && !row.original.cancelRequested ? (
          <CancelFineTuneButton tenant={tenant} jobId={row.original.id} name={row.original.trainingName} />
        ) : null,
    },
  ];
}

/** The tenant's fine-tuning jobs, newest first, filtered by status and paged on the server through the URL. */
export function FineTunesTable(props: { tenant: string; rows: FineTuneRow[]; total: number; page: number; pageSize: number; canCancel: boolean }) {
  const columns = useMemo(() => fineTuneColumns(props.tenant, props.canCancel), [props.tenant, props.canCancel]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => row.id}
      getRowTestId={(row) => `finetune-${row.id}`}
      emptyMessage="No fine-tuning jobs match."
      filters={<DataTableSelectFilter param="status" label="Filter by status" allLabel="All statuses" options={STATUS_OPTIONS} />}
    />
  );
}
