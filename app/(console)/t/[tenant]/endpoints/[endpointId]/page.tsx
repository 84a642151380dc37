import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ReadOnlyNote, cannotChangeNote, mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getEndpoint } from "@/lib/endpoints/data";
import { listProviders } from "@/lib/providers/data";
import { runningRolloutOf } from "@/lib/rollouts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { AddVersionDialog } from "./_components/add-version-dialog";
import { EndpointToggle } from "./_components/endpoint-toggle";
import { ActivateVersionButton } from "./_components/activate-version-button";
import { FallbackBadge } from "./_components/fallback-badge";
import { FallbacksDialog } from "./_components/fallbacks-dialog";
import { SetPricesDialog } from "./_components/set-prices-dialog";
import { TryPanel } from "./_components/try-panel";
import { EndpointTraffic } from "./_components/endpoint-traffic";
import { RolloutCard } from "./_components/rollout-card";
import { parseRange } from "@/lib/monitoring/ranges";
import { BUILTIN_NOTICE } from "@/lib/providers/builtin/catalog";

export const metadata: Metadata = { title: "Endpoint" };

export default async function EndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; endpointId: string }>;
  searchParams: Promise<{ range?: string; version?: string }>;
}) {
  const { tenant, endpointId } = await params;
  const sp = await searchParams;
  const { scope } = await requireTenant(tenant);
  const endpoint = await getEndpoint(scope, endpointId);
  if (!endpoint) notFound();
  const [providers, rollout] = await Promise.all([listProviders(scope), runningRolloutOf(scope, endpoint.id)]);
  const manage = mayChange(scope, "endpoints.manage");
  const price = mayChange(scope, "prices.manage");
  const awaiting = endpoint.versions.filter((v) => !v.priced);
  const answers = endpoint.enabled && endpoint.activeVersionId !== null;
  const tryIt = mayChange(scope, "endpoints.try") && answers;
  const active = endpoint.versions.find((v) => v.id === endpoint.activeVersionId);
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Endpoints", href: `${base}/endpoints` }, { label: endpoint.name }]}
        title={endpoint.name}
        description={endpoint.description ?? (endpoint.kind === "CHAT" ? "Chat completions endpoint" : "Embeddings endpoint")}
        actions={
          manage ? (
            <>
              <EndpointToggle
                tenant={scope.tenantSlug}
                endpointId={endpoint.id}
                name={endpoint.name}
                enabled={endpoint.enabled}
                description={endpoint.description ?? ""}
              />
              <FallbacksDialog
                tenant={scope.tenantSlug}
                endpointId={endpoint.id}
                versions={endpoint.versions
                  .filter((v) => v.id !== endpoint.activeVersionId && v.priced)
                  .map((v) => ({ id: v.id, label: v.label, providerName: v.providerName, providerModel: v.providerModel }))}
                current={endpoint.fallbackVersionIds}
              />
              <AddVersionDialog
                tenant={scope.tenantSlug}
                endpointId={endpoint.id}
                providers={providers.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))}
                canPrice={price}
              />
            </>
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "endpoints.manage", "change this endpoint and its versions")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        {awaiting.length > 0 && (
          <p data-testid="awaiting-prices" className="rounded-md border border-warning/25 bg-warning/10 p-3 text-sm">
            <strong>Waiting for prices:</strong> {awaiting.map((v) => v.label).join(", ")}.{" "}
            {endpoint.activeVersionId === null ? "Callers get 404 until the endpoint has an active version. " : ""}
            {price
              ? "Set their prices below; budgets are counted in them."
              : `${rolesThatCan("prices.manage")} must set their prices before they can answer, be activated or stand as fallbacks.`}
          </p>
        )}
        {active?.builtin && (
          <p data-testid="builtin-notice" className="rounded-md border border-warning/25 bg-warning/10 p-3 text-sm">
            <strong>Tiny demo model.</strong> {BUILTIN_NOTICE}
          </p>
        )}
        {/* A read-only visit or a suspended tenant says so once, in the header. */}
        {answers && !tryIt && !scope.readOnly && scope.status === "ACTIVE" && <ReadOnlyNote>{cannotChangeNote(scope, "endpoints.try", "try this endpoint from the console")}</ReadOnlyNote>}
        {tryIt && (
          <TryPanel
            tenant={scope.tenantSlug}
            endpointId={endpoint.id}
            kind={endpoint.kind}
            versionLabels={Object.fromEntries(endpoint.versions.map((v) => [v.id, v.label]))}
          />
        )}
        <Card>
          <CardHeader>
            <CardTitle>Call it</CardTitle>
            <CardDescription>With the official OpenAI client and one of this tenant&apos;s API keys:</CardDescription>
          </CardHeader>
          <CardContent>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs">{`const client = new OpenAI({ baseURL: "${process.env.KEEL_PUBLIC_URL ?? ""}/api/v1", apiKey: process.env.KEEL_API_KEY });
${endpoint.kind === "CHAT" ? `await client.chat.completions.create({ model: "${endpoint.name}", messages: [{ role: "user", content: "Hello" }] });` : `await client.embeddings.create({ model: "${endpoint.name}", input: "Hello" });`}`}</pre>
            <div className="mt-2"><Badge variant={endpoint.enabled ? "success" : "outline"}>{endpoint.enabled ? "enabled" : "disabled: callers get 404"}</Badge></div>
          </CardContent>
        </Card>
        <Card className="overflow-hidden">
          <CardHeader>
            <CardTitle>Versions</CardTitle>
            <CardDescription>
              The active version answers every request; when its provider fails, the fallbacks answer in their order. Lineage and canary
              rollouts build on these.
            </CardDescription>
          </CardHeader>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Label</TableHead>
                  <TableHead>Provider / model</TableHead>
                  <TableHead>Defaults</TableHead>
                  <TableHead>Price in / out per 1M</TableHead>
                  <TableHead>Created</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {endpoint.versions.map((v) => (
                  <TableRow key={v.id} data-testid={`version-${v.label}`}>
                    <TableCell className="font-medium">
                      <Link href={`${base}/catalog/${v.id}`} className="text-primary hover:underline">{v.label}</Link>
                    </TableCell>
                    <TableCell className="text-xs">
                      {v.providerName} / <code className="font-mono">{v.providerModel}</code>
                      {v.builtin && <Badge variant="warning" className="ml-2">tiny demo model</Badge>}
                    </TableCell>
                    <TableCell><code className="font-mono text-xs">{Object.keys(v.params).length ? JSON.stringify(v.params) : "—"}</code></TableCell>
                    <TableCell className="text-xs tabular-nums">
                      <div className="flex items-center gap-2">
                        {v.priced ? `$${v.inputPricePerMTok} / $${v.outputPricePerMTok}` : <Badge variant="warning">awaiting prices</Badge>}
                        {price && (
                          <SetPricesDialog tenant={scope.tenantSlug} endpointId={endpoint.id} version={v} activates={endpoint.activeVersionId === null} />
                        )}
                      </div>
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-xs"><LocalTime value={v.createdAt} precision="minute" /></TableCell>
                    <TableCell>
                      <div className="flex items-center justify-end gap-2">
                        <FallbackBadge versionId={v.id} fallbackVersionIds={endpoint.fallbackVersionIds} />
                        {v.id === endpoint.activeVersionId ? (
                          <Badge data-testid="active-version">active</Badge>
                        ) : manage && v.priced ? (
                          <ActivateVersionButton tenant={scope.tenantSlug} endpointId={endpoint.id} versionId={v.id} label={v.label} />
                        ) : null}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <RolloutCard tenant={scope.tenantSlug} endpoint={endpoint} running={rollout} manage={manage} />
      </div>
      <EndpointTraffic
        tenant={scope}
        manage={manage}
        endpointId={endpoint.id}
        versions={endpoint.versions.map((v) => ({ id: v.id, label: v.label }))}
        range={parseRange(sp.range)}
        versionId={endpoint.versions.some((v) => v.id === sp.version) ? sp.version! : null}
        base={`${base}/endpoints/${endpoint.id}`}
      />
    </>
  );
}
