import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { findRequestDetail } from "@/lib/audit/request-detail";
import { contentAbsenceText } from "@/lib/privacy/mode";
import { rolloutServing } from "@/lib/rollouts/data";
import { requireTenant } from "@/lib/tenancy/page";

export const metadata: Metadata = { title: "Request" };

/** One request record: what was asked of which version, what it cost, and the seal that proves it. */
export default async function RequestPage({ params }: { params: Promise<{ tenant: string; requestId: string }> }) {
  const { tenant, requestId } = await params;
  const { user, scope } = await requireTenant(tenant);
  const r = await findRequestDetail({ tenantId: scope.tenantId, userId: user.id, role: scope.role }, requestId);
  if (!r) notFound();
  const base = `/t/${scope.tenantSlug}`;
  const rollout = r.version ? await rolloutServing({ tenantId: scope.tenantId }, r.version.id, r.createdAt) : null;
  const rows: [string, React.ReactNode][] = [
    ["Outcome", r.errorCode ? `${r.status} ${r.errorCode === "client_closed" ? "cancelled by the caller" : r.errorCode}` : `${r.status} OK`],
    ["When", <LocalTime key="t" value={r.createdAt} precision="millisecond" />],
    ["Caller", r.actor ? (r.actor.kind === "key" ? `API key ${r.actor.name} (${r.actor.prefix}…)` : `${r.actor.email}, from the console`) : "unknown"],
    ["Route", `${r.route}${r.stream ? ", streamed" : ""}`],
    ["End user", r.endUser ?? "none (the request named no user)"],
    ["Endpoint", r.endpointName ?? "none"],
    [
      "Version that answered",
      r.version ? (
        <Link key="version" className="underline underline-offset-2" href={`${base}/catalog/${r.version.id}`}>
          {r.version.label}
        </Link>
      ) : (
        "none (refused before a version was chosen)"
      ),
    ],
    ...(rollout
      ? ([[
          "Released by",
          <Link key="rollout" className="underline underline-offset-2" href={`${base}/rollouts/${rollout.id}`}>
            {`a ${rollout.status === "COMPLETED" ? "completed" : rollout.status === "RUNNING" ? "running" : "stopped"} rollout, approved by ${rollout.approvers.length ? rollout.approvers.join(", ") : "no one yet"}: its evidence and decisions`}
          </Link>,
        ]] as [string, React.ReactNode][])
      : []),
    ["Tokens", `${r.inputTokens} in, ${r.outputTokens} out${r.tokensEstimated ? " (estimated: the provider reported none)" : ""}`],
    ["Cost", `$${r.costUsd}`],
    ["Latency", `${r.latencyMs} ms${r.ttftMs !== null ? `, first token after ${r.ttftMs} ms` : ""}`],
    ["Attempts", String(r.attempts)],
    ["Input hash", r.inputHash ?? "none"],
    [
      "Seal",
      r.seal ? (
        `In seal #${r.seal.seq} of ${r.seal.count} records, whose root is audit event #${r.seal.auditSeq} of this tenant's signed chain`
      ) : (
        "Not sealed yet: the sealer adds records to the tenant's chain every few seconds"
      ),
    ],
  ];
  return (
    <>
      <PageHeader crumbs={[{ label: scope.tenantName, href: base }, { label: "Requests" }, { label: r.id }]} title={`Request ${r.id}`} />
      <Card>
        <CardContent className="pt-6">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[12rem_1fr]">
            {rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-muted-foreground">{label}</dt>
                <dd className="break-all font-mono text-xs sm:text-sm" data-testid={`request-${label.toLowerCase().replaceAll(" ", "-")}`}>
                  {value}
                </dd>
              </div>
            ))}
          </dl>
          <section aria-label="Content" className="mt-6 space-y-2 text-sm" data-testid="request-content">
            <h2 className="font-semibold">Content</h2>
            {r.content.kind === "stored" ? (
              <>
                <p className="text-muted-foreground">Redacted before storage ({r.content.redactions} replaced); purged at <LocalTime value={r.content.expiresAt} precision="minute" />.</p>
                <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-muted p-2 font-mono text-xs" data-testid="request-content-input">{r.content.input}</pre>
                <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-muted p-2 font-mono text-xs" data-testid="request-content-output">{r.content.output ?? "No answer."}</pre>
              </>
            ) : (
              <p className="text-muted-foreground">{contentAbsenceText(r.content)}</p>
            )}
          </section>
          <p className="mt-6 text-sm">
            <Link className="underline underline-offset-2" href={`${base}/playground`}>Back to the playground</Link>
          </p>
        </CardContent>
      </Card>
    </>
  );
}
