import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time";
import type { TrailLabels, VersionCaller } from "@/lib/audit/explorer/answers";
const count = new Intl.NumberFormat("en-US");

/** "Who used this version": each key or person it answered in the window, busiest first. */
export function VersionCallers({ version, window, callers, labels }: { version: string; window: ReactNode; callers: VersionCaller[]; labels: TrailLabels }) {
  return (
    <section aria-labelledby="callers-title" className="rounded-lg border border-border bg-card p-4" data-testid="version-callers">
      <h2 id="callers-title" className="mb-2 text-sm font-semibold">
        Who used {version} {window}
      </h2>
      {callers.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nobody: this version answered no request in this window.</p>
      ) : (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-muted-foreground">
              <th className="py-1 font-medium">Caller</th>
              <th className="py-1 text-right font-medium">Requests</th>
              <th className="py-1 text-right font-medium">Failed</th>
              <th className="py-1 font-medium">First</th>
              <th className="py-1 font-medium">Last</th>
            </tr>
          </thead>
          <tbody>
            {callers.map((c) => {
              const key = c.apiKeyId ? labels.keys[c.apiKeyId] : undefined;
              const who = key ? `API key ${key.name} (${key.prefix}…)` : c.userId ? `${labels.users[c.userId] ?? "a former member"} (console)` : c.apiKeyId ? "a deleted key" : "unknown";
              return (
                <tr key={`${c.apiKeyId}-${c.userId}`} className="border-t border-border" data-testid="version-caller">
                  <td className="py-1">{who}</td>
                  <td className="py-1 text-right tabular-nums">{count.format(c.requests)}</td>
                  <td className="py-1 text-right tabular-nums">{count.format(c.errors)}</td>
                  <td className="py-1 font-mono text-xs"><LocalTime value={c.first} precision="second" /></td>
                  <td className="py-1 font-mono text-xs"><LocalTime value={c.last} precision="second" /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
