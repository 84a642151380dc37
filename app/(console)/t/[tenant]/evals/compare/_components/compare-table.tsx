"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/badge";
import { VerdictBadge, abbreviate, scoreText } from "../../_components/eval-text";

type Side = { score: number; passed: boolean; output: string | null } | null;
export type CompareRow = { position: number; question: string; expected: string | null; a: Side; b: Side; changed: boolean };

/** One side's score, verdict and answer for a case, or a note that it has no result there. */
function SideCell({ side }: { side: Side }) {
  if (!side) return <span className="text-xs text-muted-foreground">not scored</span>;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-1.5">
        <span className="text-xs tabular-nums">{scoreText(side.score)}</span>
        <VerdictBadge passed={side.passed} unscored={false} />
      </div>
      {side.output && <p className="text-xs text-muted-foreground" title={side.output}>{abbreviate(side.output, 100)}</p>}
    </div>
  );
}

const columns: ColumnDef<CompareRow>[] = [
  {
    accessorKey: "position",
    header: "#",
    cell: ({ row }) => (
      <div className="space-y-1">
        <span className="text-xs tabular-nums">{row.original.position + 1}</span>
        {row.original.changed && <Badge variant="warning" data-testid="verdict-changed">changed</Badge>}
      </div>
    ),
  },
  { accessorKey: "question", header: "Question", cell: ({ row }) => <span className="text-xs" title={row.original.question}>{abbreviate(row.original.question, 100)}</span> },
  { accessorKey: "expected", header: "Expected", cell: ({ row }) => <span className="text-xs" title={row.original.expected ?? undefined}>{abbreviate(row.original.expected, 80) || "—"}</span> },
  { id: "a", header: "A", cell: ({ row }) => <SideCell side={row.original.a} /> },
  { id: "b", header: "B", cell: ({ row }) => <SideCell side={row.original.b} /> },
];

/** Both runs case by case, the cases whose verdict changed first; paged on the server through the URL. */
export function CompareTable(props: { rows: CompareRow[]; total: number; page: number; pageSize: number }) {
  return (
    <DataTable
      columns={columns}
      data={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      getRowId={(row) => String(row.position)}
      getRowTestId={(row) => `compare-case-${row.position + 1}`}
      emptyMessage="The dataset holds no cases."
    />
  );
}
