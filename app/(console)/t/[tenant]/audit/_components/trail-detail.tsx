import Link from "next/link";
import type { ReactNode } from "react";
import type { ChainedContent } from "@/lib/audit/chain";
import type { Activation } from "@/lib/audit/explorer/answers";
import { diffJson } from "@/lib/audit/explorer/diff";
import type { RequestDetail } from "@/lib/audit/request-detail";
import { contentAbsenceText } from "@/lib/privacy/mode";
import { cn } from "@/components/ui/cn";
import { LocalTime } from "@/components/ui/local-time";

const linkClass = "underline underline-offset-2";

function Facts({ rows, testPrefix }: { rows: [string, ReactNode][]; testPrefix: string }) {
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-muted-foreground">{label}</dt>
          <dd className="break-all font-mono text-xs sm:text-sm" data-testid={`${testPrefix}-${label.toLowerCase().replaceAll(" ", "-")}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A request record whole: what answered, what it cost, who made the version active, and the seal that proves it. */
export function RequestDetailBody(props: {
  r: RequestDetail;
  activation: Activation | null;
  hrefWith: (changes: Record<string, string | null>) => string;
  changesHref: (filters: Record<string, string>) => string;
}) {
  const { r, activation, changesHref } = props;
  const rows: [string, ReactNode][] = [
    ["Outcome", r.errorCode ? `${r.status} ${r.errorCode}` : `${r.status} OK`],
    ["When", <LocalTime key="t" value={r.createdAt} precision="millisecond" />],
    ["Caller", r.actor ? (r.actor.kind === "key" ? `API key ${r.actor.name} (${r.actor.prefix}…)` : `${r.actor.email}, from the console`) : "unknown"],
    ["Route", `${r.route}${r.stream ? ", streamed" : ""}`],
    ["Endpoint", r.endpointName ?? "none"],
    ["Version", r.version ? r.version.label : "none (refused before a version was chosen)"],
    [
      "Activated by",
      activation ? (
        <>
          {`${activation.actorLabel ?? activation.actorType.toLowerCase()} (${activation.action}, change #${activation.seq}, `}
          <LocalTime value={activation.at} precision="millisecond" />)
        </>
      ) : r.version ? (
        "no activation of this version is on record before the request"
      ) : (
        "—"
      ),
    ],
    ["Tokens", `${r.inputTokens} in, ${r.outputTokens} out${r.tokensEstimated ? " (estimated)" : ""}`],
    ["Cost", `$${r.costUsd}`],
    ["Latency", `${r.latencyMs} ms${r.ttftMs !== null ? `, first token after ${r.ttftMs} ms` : ""}`],
    ["Attempts", String(r.attempts)],
    ["End user", r.endUser ?? "none named"],
    ["Input hash", r.inputHash ?? "none"],
    [
      "Seal",
      r.seal
        ? `Seal #${r.seal.seq} of ${r.seal.count} records; its Merkle root is change #${r.seal.auditSeq} of this tenant's signed chain`
        : "Not sealed yet: the sealer adds records to the chain within a minute",
    ],
  ];
  return (
    <div className="space-y-5">
      <Facts rows={rows} testPrefix="detail" />
      <nav aria-label="Related" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {r.version && <Link className={linkClass} href={changesHref({ kind: "requests", version: r.version.id })}>Every request this version answered</Link>}
        {r.inputHash && <Link className={linkClass} href={changesHref({ kind: "requests", input: r.inputHash })}>Requests with the same input</Link>}
        {r.endUser && <Link className={linkClass} href={changesHref({ kind: "requests", user: r.endUser })}>Requests of this end user</Link>}
        {r.endpointId && <Link className={linkClass} href={changesHref({ kind: "changes", endpoint: r.endpointId })}>Changes to this endpoint</Link>}
        {activation && <Link className={linkClass} href={props.hrefWith({ open: `e:${activation.seq}` })}>The activation</Link>}
      </nav>
      <section aria-label="Content" className="space-y-2" data-testid="detail-content">
        <h3 className="text-sm font-semibold">Content</h3>
        {r.content.kind === "stored" ? (
          <>
            <p className="text-xs text-muted-foreground">
              Redacted before storage ({r.content.redactions} value{r.content.redactions === 1 ? "" : "s"} replaced); purged at <LocalTime value={r.content.expiresAt} precision="minute" />.
            </p>
            {(
              [
                ["Input", r.content.input],
                ["Output", r.content.output ?? "none: the request ended without an answer"],
              ] as const
            ).map(([label, text]) => (
              <div key={label}>
                <div className="text-xs text-muted-foreground">{label}</div>
                <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-muted p-2 font-mono text-xs" data-testid={`detail-content-${label.toLowerCase()}`}>{text}</pre>
              </div>
            ))}
          </>
        ) : (
          <p className="text-sm text-muted-foreground">{contentAbsenceText(r.content)}</p>
        )}
      </section>
    </div>
  );
}

/** A change event as stored: its chained content and the links that chain it. */
type ChangeEvent = ChainedContent & { prevHash: string; hash: string };

/** A change event whole: who, from where, each field before and after, and the links of the chain. */
export function ChangeDetailBody({ e, changesHref, manifestHref }: { e: ChangeEvent; changesHref: (filters: Record<string, string>) => string; manifestHref?: string }) {
  const rows: [string, ReactNode][] = [
    ["Action", e.action],
    ["When", <LocalTime key="t" value={e.createdAt} precision="millisecond" />],
    ["Actor", `${e.actorLabel ?? "—"}${e.actorType !== "USER" ? ` (${e.actorType === "API_KEY" ? "API key" : "Keel itself"})` : ""}`],
    ["Resource", `${e.resourceType}${e.resourceId ? ` ${e.resourceId}` : ""}`],
    ["From", [e.ip, e.userAgent].filter(Boolean).join(" · ") || "—"],
    ["Request id", e.requestId ?? "—"],
    ["Hash", e.hash],
    ["Previous hash", e.prevHash],
  ];
  const lines = diffJson(e.before, e.after);
  return (
    <div className="space-y-5">
      <Facts rows={rows} testPrefix="detail" />
      <div>
        <h3 className="mb-2 text-sm font-semibold">What changed</h3>
        {lines.length === 0 ? (
          <p className="text-sm text-muted-foreground">This event records no fields.</p>
        ) : (
          <table className="w-full table-fixed border-collapse text-xs" data-testid="change-diff">
            <thead>
              <tr className="text-left text-muted-foreground">
                <th className="w-1/4 py-1 font-medium">Field</th>
                <th className="py-1 font-medium">Before</th>
                <th className="py-1 font-medium">After</th>
              </tr>
            </thead>
            <tbody className="font-mono">
              {lines.map((l) => (
                <tr key={l.path} data-change={l.change} className={cn("border-t border-border align-top", l.change === "same" && "text-muted-foreground")}>
                  <td className="break-all py-1 pr-2">{l.path}</td>
                  <td className={cn("break-all py-1 pr-2", l.change !== "same" && l.before !== undefined && "text-destructive")}>{l.before ?? ""}</td>
                  <td className={cn("break-all py-1", l.change !== "same" && l.after !== undefined && "text-success")}>{l.after ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {manifestHref && (
        <div className="space-y-2 rounded-md border border-border p-3 text-sm" data-testid="export-proof">
          <p>
            This export&apos;s manifest lets anyone check the file offline with Keel&apos;s public key alone: every row against its
            signed hash or seal, and the file against the digest this signed event holds.
          </p>
          <a className={linkClass} href={manifestHref} download>Download the manifest</a>
          <pre className="overflow-x-auto rounded bg-muted p-2 font-mono text-xs">npm run audit:verify -- keel-audit-….csv --public-key-file audit-signing.pub</pre>
        </div>
      )}
      {e.resourceId && (
        <nav aria-label="Related" className="text-sm">
          <Link className={linkClass} href={changesHref({ kind: "changes", resource: `${e.resourceType}:${e.resourceId}` })}>Every change to this {e.resourceType}</Link>
        </nav>
      )}
    </div>
  );
}
