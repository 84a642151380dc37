"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableSelectFilter } from "@/components/data-table/data-table-select-filter";
import { VerdictBadge, abbreviate, scoreText } from "../../../_components/eval-text";

export type ResultRow = {
  position: number;
  score: number;
  passed: boolean;
  /** The case could not be scored: the call or the scorer failed. */
  unscored: boolean;
  detail: string | null;
  output: string | null;
  requestId: string | null;
  latencyMs: number | null;
};

const VERDICT_OPTIONS = [{ value: "failed", label: "Failed only" }] as const;

function resultColumns(base: string): ColumnDef<ResultRow>[] {
  return [
    { accessorKey: "position", header: "#", cell: ({ row }) => <span className="text-xs tabular-nums">{row.original.position + 1}</span> },
    { accessorKey: "score", header: "Score", cell: ({ row }) => <span className="text-xs tabular-nums" data-testid="result-score">{scoreText(row.original.score)}</span> },
    { id: "verdict", header: "Verdict", cell: ({ row }) => <VerdictBadge passed={row.original.passed} unscored={row.original.unscored} /> },
    { accessorKey: "detail", header: "Detail", cell: ({ row }) => <span className="text-xs" title={row.original.detail ?? undefined}>{abbreviate(row.original.detail, 100) || "—"}</span> },
    {
      accessorKey: "output",
      header: "Answer",
      cell: ({ row }) => (row.original.output ? <span className="text-xs" title={row.original.output}>{abbreviate(row.original.output)}</span> : <span className="text-xs text-muted-foreground">none</span>),
    },
    {
      accessorKey: "requestId",
      header: "Request",
      cell: ({ row }) => {
        const { requestId, latencyMs } = row.original;
        if (!requestId) return <span className="text-xs text-muted-foreground">none</span>;
        return (
          <span className="whitespace-nowrap text-xs">
            <Link href={`${base}/requests/${requestId}`} className="font-mono underline underline-offset-2" title={requestId}>
              request {requestId.slice(0, 8)}
            </Link>
            {latencyMs !== null && <span className="text-muted-foreground"> · {latencyMs} ms</span>}
          </span>
        );
      },
    },
  ];
}

/** The run's results in case order, or only the cases that did not pass; paged on the server through the URL. */
export function ResultsTable(props: { tenant: string; rows: ResultRow[]; total: number; page: number; pageSize: number; emptyMessage: string }) {
  const columns = useMemo(() => resultColumns(`/t/${props.tenant}`), [props.tenant]);
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => String(row.position)}
      getRowTestId={(row) => `result-${row.position + 1}`}
      emptyMessage={props.emptyMessage}
      filters={<DataTableSelectFilter param="verdict" label="Filter by verdict" allLabel="All results" options={VERDICT_OPTIONS} />}
    />
  );
}
