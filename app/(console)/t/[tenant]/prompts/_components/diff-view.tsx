import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { CompareSection } from "@/lib/prompts/compare";
import type { DiffRow } from "@/lib/prompts/diff";

const SIDE_CLASS = { removed: "bg-destructive/10", added: "bg-success/10", changed: "", same: "" } as const;

function Cell({ line, kind, side }: { line: DiffRow["left"]; kind: DiffRow["kind"]; side: "left" | "right" }) {
  if (!line) return <td className="bg-muted/40" colSpan={2} />;
  const changed = kind === "changed" ? (side === "left" ? "bg-destructive/10" : "bg-success/10") : SIDE_CLASS[kind];
  return (
    <>
      <td className={cn("w-10 select-none px-2 text-right align-top text-muted-foreground", changed)}>{line.line}</td>
      <td className={cn("whitespace-pre-wrap break-all px-2 align-top", changed)} data-kind={kind === "same" ? "same" : side === "left" ? "removed" : "added"}>
        {line.text || " "}
      </td>
    </>
  );
}

/** Two versions side by side, part by part; unchanged parts are folded away by default. */
export function DiffView({ sections, before, after }: { sections: CompareSection[]; before: number; after: number }) {
  return (
    <div className="space-y-4" data-testid="diff-view">
      {sections.map((s) => (
        <details key={s.title} open={s.changed} className="rounded-lg border border-border bg-card" data-testid={`diff-${s.title}`}>
          <summary className="flex cursor-pointer items-center gap-2 px-4 py-2 text-sm font-medium">
            {s.title}
            <Badge variant={s.changed ? "warning" : "outline"}>{s.changed ? "changed" : "same"}</Badge>
          </summary>
          <table className="w-full table-fixed border-t border-border font-mono text-xs">
            <colgroup>
              <col className="w-10" />
              <col />
              <col className="w-10" />
              <col />
            </colgroup>
            <thead className="text-left text-muted-foreground">
              <tr>
                <th colSpan={2} className="px-2 py-1 font-medium">v{before}</th>
                <th colSpan={2} className="border-l border-border px-2 py-1 font-medium">v{after}</th>
              </tr>
            </thead>
            <tbody>
              {s.rows.map((row, i) => (
                <tr key={i} className="border-t border-border/50">
                  <Cell line={row.left} kind={row.kind} side="left" />
                  <Cell line={row.right} kind={row.kind} side="right" />
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
