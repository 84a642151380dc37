import type { Metadata } from "next";
import { KeyRound } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { listEndpoints } from "@/lib/endpoints/data";
import { listApiKeys } from "@/lib/keys/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CreateKeyDialog } from "./_components/create-key-dialog";
import { RevokeKeyButton } from "./_components/revoke-key-button";

export const metadata: Metadata = { title: "API keys" };

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) : "—");

export default async function KeysPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const [keys, endpoints] = await Promise.all([listApiKeys(scope), listEndpoints(scope)]);
  const manage = can(scope.role, "keys.manage") && scope.status === "ACTIVE";
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "API keys" }]}
        title="API keys"
        description="Applications call /api/v1 with these keys, as they would call OpenAI. Secrets are shown once and stored only as hashes."
        actions={manage ? <CreateKeyDialog tenant={scope.tenantSlug} endpoints={endpoints.map((e) => e.name)} /> : undefined}
      />
      {keys.length === 0 ? (
        <EmptyState icon={<KeyRound className="size-6" aria-hidden />} title="No API keys yet" description="Create one for each application, with its own limits." />
      ) : (
        <Card className="overflow-hidden p-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Endpoints</TableHead>
                <TableHead>Limits</TableHead>
                <TableHead>Expires</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Status</TableHead>
                {manage && <TableHead />}
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.map((k) => (
                <TableRow key={k.id} data-testid={`key-${k.name}`}>
                  <TableCell className="font-medium">{k.name}</TableCell>
                  <TableCell><code className="font-mono text-xs">{k.prefix}…</code></TableCell>
                  <TableCell className="text-xs">{k.allowedEndpoints.length ? k.allowedEndpoints.join(", ") : "all"}</TableCell>
                  <TableCell className="text-xs tabular-nums">
                    {k.requestsPerMinute ?? "∞"} req/min · {k.tokensPerMinute ?? "∞"} tok/min
                  </TableCell>
                  <TableCell className="text-xs">{when(k.expiresAt)}</TableCell>
                  <TableCell className="text-xs">{when(k.lastUsedAt)}</TableCell>
                  <TableCell>
                    <Badge variant={k.status === "active" ? "success" : "outline"} data-testid="key-status">{k.status}</Badge>
                  </TableCell>
                  {manage && <TableCell className="text-right">{k.status === "active" && <RevokeKeyButton tenant={scope.tenantSlug} apiKeyId={k.id} name={k.name} />}</TableCell>}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}
