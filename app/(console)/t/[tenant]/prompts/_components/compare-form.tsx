import Form from "next/form";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";

/**
 * Picks two versions to see side by side; a plain GET form, so the diff's URL can be shared. It
 * offers the versions listed (the newest) and the two compared now, which may be older.
 */
export function CompareForm({ action, versions, from, to }: { action: string; versions: number[]; from: number; to: number }) {
  const offered = [...new Set([...versions, from, to])].sort((a, b) => b - a);
  const options = offered.map((v) => (
    <option key={v} value={v}>
      v{v}
    </option>
  ));
  return (
    <Form action={action} className="flex flex-wrap items-end gap-2" data-testid="compare-form">
      <div className="grid gap-1.5">
        <label htmlFor="compare-from" className="text-sm font-medium">Compare version</label>
        <NativeSelect id="compare-from" name="from" defaultValue={from} className="w-28">{options}</NativeSelect>
      </div>
      <div className="grid gap-1.5">
        <label htmlFor="compare-to" className="text-sm font-medium">with version</label>
        <NativeSelect id="compare-to" name="to" defaultValue={to} className="w-28">{options}</NativeSelect>
      </div>
      <Button type="submit" variant="outline">Show diff</Button>
    </Form>
  );
}
