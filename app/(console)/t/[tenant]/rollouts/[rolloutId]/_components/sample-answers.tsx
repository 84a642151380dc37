import { rolesThatCan } from "@/components/forms/read-only";

type Sample = { id: string; input: string; output: string | null };

/**
 * The newest stored answers of each side in this step's window, side by side, as stored (redacted).
 * A tenant that keeps input hashes only has none, and is told so rather than shown empty columns.
 */
export function SampleAnswers({ samples, labels, keepsContent }: { samples: { baseline: Sample[]; candidate: Sample[]; hidden: boolean }; labels: { baseline: string; candidate: string }; keepsContent: boolean }) {
  if (samples.hidden) {
    return (
      <p data-testid="no-samples" className="text-sm text-muted-foreground">
        Answers hold other callers&apos; prompts: {rolesThatCan("audit.read")} see them here.
      </p>
    );
  }
  if (!keepsContent) {
    return (
      <p data-testid="no-samples" className="text-sm text-muted-foreground">
        This tenant keeps input hashes only, so there are no answers to compare. {rolesThatCan("settings.manage")} can turn on content storage in Settings.
      </p>
    );
  }
  if (samples.baseline.length === 0 && samples.candidate.length === 0) {
    return <p data-testid="no-samples" className="text-sm text-muted-foreground">No answers stored in this step&apos;s window yet.</p>;
  }
  const sides = [
    { key: "baseline", title: `Baseline: ${labels.baseline}`, items: samples.baseline },
    { key: "candidate", title: `Candidate: ${labels.candidate}`, items: samples.candidate },
  ];
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {sides.map((side) => (
        <section key={side.key} aria-label={side.title} data-testid={`samples-${side.key}`} className="min-w-0 space-y-3">
          <h3 className="text-sm font-semibold">{side.title}</h3>
          {side.items.length === 0 && <p className="text-sm text-muted-foreground">None stored yet.</p>}
          {side.items.map((s) => (
            <div key={s.id} className="space-y-1 rounded-md border border-border p-2">
              <pre className="max-h-24 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-muted-foreground">{s.input}</pre>
              <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">{s.output ?? "No answer."}</pre>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
