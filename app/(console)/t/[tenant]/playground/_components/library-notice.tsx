import Link from "next/link";
import type { PlaygroundStart } from "@/lib/playground/library";

/** What the playground says about the prompt version a link opened, or why it could not open it. */
export function LibraryNotice({ tenant, opening }: { tenant: string; opening: { ok: true; start: PlaygroundStart } | { ok: false; problem: string } }) {
  if (!opening.ok) {
    return (
      <div role="alert" data-testid="library-notice" className="rounded-md border border-destructive/30 bg-destructive/10 p-3 text-sm text-destructive">
        The prompt could not be opened: {opening.problem} The playground starts empty instead.
      </div>
    );
  }
  const { source, filled, notes } = opening.start;
  const href = `/t/${tenant}/prompts/${encodeURIComponent(source.name)}?version=${source.version}`;
  return (
    <div role="status" data-testid="library-notice" className="space-y-1 rounded-md border border-border bg-muted/40 p-3 text-sm">
      <p>
        Opened{" "}
        <Link href={href} className="font-medium text-primary underline underline-offset-2">
          version {source.version} of {source.name}
        </Link>{" "}
        from the prompt library.{" "}
        {filled.length > 0 ? `Filled in ${filled.map((v) => `{{${v}}}`).join(", ")}; any other variables are as written.` : "Its variables are as written."}
      </p>
      {notes.map((note) => (
        <p key={note} className="text-muted-foreground">{note}</p>
      ))}
    </div>
  );
}
