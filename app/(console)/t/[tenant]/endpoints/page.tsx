import type { Metadata } from "next";
import Link from "next/link";
import { Boxes } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { listEndpoints } from "@/lib/endpoints/data";
import { listProviders } from "@/lib/providers/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CreateEndpointDialog } from "./_components/create-endpoint-dialog";

export const metadata: Metadata = { title: "Endpoints" };

export default async function EndpointsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const [endpoints, providers] = await Promise.all([listEndpoints(scope), listProviders(scope)]);
  const manage = can(scope.role, "endpoints.manage") && scope.status === "ACTIVE";
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Endpoints" }]}
        title="Endpoints"
        description="Each endpoint is a model name your applications call; its active version decides which provider model answers."
        actions={manage ? <CreateEndpointDialog tenant={scope.tenantSlug} providers={providers.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))} /> : undefined}
      />
      {endpoints.length === 0 ? (
        <EmptyState
          icon={<Boxes className="size-6" aria-hidden />}
          title="No endpoints yet"
          description={providers.length ? "Create one and point it at a provider's model." : "Add a provider first, then create an endpoint."}
        />
      ) : (
        <Card className="overflow-hidden p-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name (model)</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Active version</TableHead>
                <TableHead>Price in / out per 1M</TableHead>
                <TableHead>Status</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {endpoints.map((e) => (
                <TableRow key={e.id} data-testid={`endpoint-${e.name}`}>
                  <TableCell>
                    <Link href={`${base}/endpoints/${e.id}`} className="font-medium text-primary hover:underline">{e.name}</Link>
                    {e.description && <div className="text-xs text-muted-foreground">{e.description}</div>}
                  </TableCell>
                  <TableCell className="text-xs">{e.kind === "CHAT" ? "chat" : "embeddings"}</TableCell>
                  <TableCell className="text-xs">
                    {e.active ? <>{e.active.label} · {e.active.providerName} / <code className="font-mono">{e.active.providerModel}</code></> : "—"}
                    <span className="text-muted-foreground"> ({e.versions} version{e.versions === 1 ? "" : "s"})</span>
                  </TableCell>
                  <TableCell className="text-xs tabular-nums">{e.active ? `$${e.active.inputPricePerMTok} / $${e.active.outputPricePerMTok}` : "—"}</TableCell>
                  <TableCell><Badge variant={e.enabled ? "success" : "outline"}>{e.enabled ? "enabled" : "disabled"}</Badge></TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}
