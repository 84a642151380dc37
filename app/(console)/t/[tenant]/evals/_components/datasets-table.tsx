import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export type DatasetRow = { id: string; name: string; description: string | null; caseCount: number; runs: number; contentHash: string; createdAt: Date };

/** The tenant's datasets on this page, newest first; the name opens the dataset. */
export function DatasetsTable({ tenant, rows }: { tenant: string; rows: DatasetRow[] }) {
  return (
    <div className="overflow-hidden rounded-lg border border-border bg-card">
      <Table aria-label="Datasets">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Cases</TableHead>
            <TableHead>Runs</TableHead>
            <TableHead>Content hash</TableHead>
            <TableHead>Imported</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((d) => (
            <TableRow key={d.id} data-testid={`dataset-${d.name}`}>
              <TableCell>
                <Link href={`/t/${tenant}/evals/datasets/${d.id}`} className="font-medium text-primary hover:underline">{d.name}</Link>
                {d.description && <div className="text-xs text-muted-foreground">{d.description}</div>}
              </TableCell>
              <TableCell className="tabular-nums" data-testid="dataset-cases">{d.caseCount}</TableCell>
              <TableCell className="tabular-nums">{d.runs}</TableCell>
              <TableCell><code className="font-mono text-xs" title={d.contentHash}>{d.contentHash.slice(0, 12)}</code></TableCell>
              <TableCell><LocalTime value={d.createdAt} precision="minute" className="whitespace-nowrap text-xs" /></TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
