"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "@/components/data-table/data-table";
import { abbreviate } from "../../../_components/eval-text";

export type CaseRow = { position: number; question: string; expected: string | null; rubric: string | null; schema: string | null };

/** A cell of long text, cut short; the whole is in its title. */
function Abbreviated({ text }: { text: string | null }) {
  if (!text) return <span className="text-muted-foreground">—</span>;
  return <span title={text} className="text-xs">{abbreviate(text, 120)}</span>;
}

const columns: ColumnDef<CaseRow>[] = [
  { accessorKey: "position", header: "#", cell: ({ row }) => <span className="text-xs tabular-nums">{row.original.position + 1}</span> },
  { accessorKey: "question", header: "Question", cell: ({ row }) => <Abbreviated text={row.original.question} /> },
  { accessorKey: "expected", header: "Expected", cell: ({ row }) => <Abbreviated text={row.original.expected} /> },
  { accessorKey: "rubric", header: "Rubric", cell: ({ row }) => <Abbreviated text={row.original.rubric} /> },
  {
    accessorKey: "schema",
    header: "Schema",
    cell: ({ row }) => (row.original.schema ? <code title={row.original.schema} className="font-mono text-xs">{abbreviate(row.original.schema, 80)}</code> : <span className="text-muted-foreground">—</span>),
  },
];

/** A dataset's cases in order, paged on the server through the URL. */
export function CasesTable(props: { rows: CaseRow[]; total: number; page: number; pageSize: number }) {
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => String(row.position)}
      getRowTestId={(row) => `case-${row.position + 1}`}
      emptyMessage="No cases on this page."
    />
  );
}
