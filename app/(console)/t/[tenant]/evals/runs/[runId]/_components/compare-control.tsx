import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";

export type OtherRun = { id: string; label: string };

/**
 * Picks another completed run of the same dataset and opens the comparison, the other run as A
 * (the baseline) and this one as B. A plain GET form: it works before the page's script loads.
 */
export function CompareControl({ tenant, runId, others }: { tenant: string; runId: string; others: OtherRun[] }) {
  if (others.length === 0) return <p className="text-sm text-muted-foreground">No other completed run of this dataset to compare with yet.</p>;
  return (
    <form action={`/t/${tenant}/evals/compare`} method="get" className="flex flex-wrap items-end gap-2" aria-label="Compare with another run">
      <input type="hidden" name="b" value={runId} />
      <div className="grid gap-1.5">
        <label htmlFor="compare-with" className="text-sm font-medium leading-none">Compare with…</label>
        <NativeSelect id="compare-with" name="a" className="w-full sm:w-96">
          {others.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </NativeSelect>
      </div>
      <Button type="submit" variant="outline">Compare</Button>
    </form>
  );
}
