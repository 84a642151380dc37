import Form from "next/form";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import type { FilterChoices } from "./trail-filters";

/**
 * The questions auditors ask most, one form each: each is a view of the explorer (a GET to the
 * same page), so its answer has a URL to share.
 */
export function TrailQuestions({ action, endpoints }: { action: string; endpoints: FilterChoices["endpoints"] }) {
  const versions = endpoints.flatMap((e) => e.versions.map((v) => ({ id: v.id, label: `${e.name} ${v.label}` })));
  return (
    <section aria-labelledby="questions-title" className="grid gap-3 rounded-lg border border-border bg-card p-4 lg:grid-cols-3">
      <h2 id="questions-title" className="text-sm font-semibold lg:col-span-3">Answer a question</h2>
      <Form action={action} className="grid content-start gap-2" data-testid="question-version-users">
        <input type="hidden" name="kind" value="requests" />
        <label htmlFor="q-version" className="text-sm">Who used version</label>
        <NativeSelect id="q-version" name="version" required defaultValue="">
          <option value="" disabled>Choose a version</option>
          {versions.map((v) => (
            <option key={v.id} value={v.id}>{v.label}</option>
          ))}
        </NativeSelect>
        <div className="grid grid-cols-2 gap-2">
          <Input name="from" type="datetime-local" step="1" aria-label="between (UTC)" />
          <Input name="to" type="datetime-local" step="1" aria-label="and (UTC)" />
        </div>
        <Button type="submit" variant="outline" size="sm">Show callers</Button>
      </Form>
      <Form action={action} className="grid content-start gap-2" data-testid="question-request-version">
        <label htmlFor="q-request" className="text-sm">Which version answered request</label>
        <Input id="q-request" name="request" required placeholder="request id" />
        <Button type="submit" variant="outline" size="sm">Show the version and who activated it</Button>
      </Form>
      <Form action={action} className="grid content-start gap-2" data-testid="question-endpoint-changes">
        <input type="hidden" name="kind" value="changes" />
        <label htmlFor="q-endpoint" className="text-sm">What changed on endpoint</label>
        <NativeSelect id="q-endpoint" name="endpoint" required defaultValue="">
          <option value="" disabled>Choose an endpoint</option>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>{e.name}</option>
          ))}
        </NativeSelect>
        <Button type="submit" variant="outline" size="sm">Show changes and who made them</Button>
      </Form>
    </section>
  );
}
