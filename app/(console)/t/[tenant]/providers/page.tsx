import type { Metadata } from "next";
import { PlugZap } from "lucide-react";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { endpointsByProvider, listProviders } from "@/lib/providers/data";
import { requireTenant } from "@/lib/tenancy/page";
import { ProviderDialog } from "./_components/provider-dialog";
import { ProviderRowActions, type ProviderUse } from "./_components/provider-row-actions";
import { AddBuiltinButton } from "./_components/add-builtin-button";
import { BUILTIN_NOTICE } from "@/lib/providers/builtin/catalog";

export const metadata: Metadata = { title: "Providers" };

export default async function ProvidersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const manage = mayChange(scope, "providers.manage");
  const [providers, answering] = await Promise.all([listProviders(scope), manage ? endpointsByProvider(scope) : new Map<string, string[]>()]);
  const note = cannotChangeNote(scope, "providers.manage", "add, edit and remove providers");
  const use = (p: { id: string; versions: number }): ProviderUse => ({ versions: p.versions, endpoints: answering.get(p.id) ?? [] });
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Providers" }]}
        title="Providers"
        description="Where this tenant's models run. Keys are encrypted at rest and never sent back to the browser."
        actions={
          manage ? (
            <>
              {!providers.some((p) => p.kind === "BUILTIN") && <AddBuiltinButton tenant={scope.tenantSlug} />}
              <ProviderDialog tenant={scope.tenantSlug} />
            </>
          ) : (
            <ReadOnlyNote>{note}</ReadOnlyNote>
          )
        }
      />
      {providers.length === 0 ? (
        <EmptyState
          icon={<PlugZap className="size-6" aria-hidden />}
          title="No providers yet"
          description={
            manage
              ? "Add any OpenAI-compatible API (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, Together…) with Add provider above, or try Keel at once with the built-in demo models."
              : `Endpoints need a provider to answer. ${note}`
          }
        />
      ) : (
        <Card className="overflow-hidden p-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Base URL</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Versions</TableHead>
                {manage && <TableHead className="text-right">Actions</TableHead>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {providers.map((p) => (
                <TableRow key={p.id} data-testid={`provider-${p.name}`}>
                  <TableCell className="font-medium">{p.name}</TableCell>
                  <TableCell>
                    {p.kind === "BUILTIN" ? (
                      <span title={BUILTIN_NOTICE} className="text-xs">
                        offline, in Keel <Badge variant="warning" className="ml-1">tiny demo models</Badge>
                      </span>
                    ) : (
                      <code className="font-mono text-xs">{p.baseUrl}</code>
                    )}
                  </TableCell>
                  <TableCell>
                    {p.kind === "BUILTIN" ? (
                      <span className="text-xs text-muted-foreground">not needed</span>
                    ) : p.hasApiKey ? (
                      <Badge variant="success">set</Badge>
                    ) : (
                      <Badge variant="outline">none</Badge>
                    )}
                  </TableCell>
                  <TableCell className="tabular-nums">{p.versions}</TableCell>
                  {manage && (
                    <TableCell className="text-right">
                      <ProviderRowActions
                        tenant={scope.tenantSlug}
                        provider={{ id: p.id, name: p.name, kind: p.kind, baseUrl: p.baseUrl, hasApiKey: p.hasApiKey }}
                        use={use(p)}
                      />
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}
