import type { Metadata } from "next";
import { KeyRound } from "lucide-react";
import { readTableParams } from "@/components/data-table/table-params";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { listEndpointNames } from "@/lib/endpoints/data";
import { listApiKeys, type ApiKeyStatus } from "@/lib/keys/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CreateKeyDialog } from "./_components/create-key-dialog";
import { KeysTable } from "./_components/keys-table";

export const metadata: Metadata = { title: "API keys" };

const PAGE_SIZE = 25;
const SORTS = ["createdAt", "name", "lastUsedAt"] as const;
const STATUSES: readonly ApiKeyStatus[] = ["active", "revoked", "expired"];

type Search = { page?: string; sort?: string; q?: string; status?: string };

const iso = (d: Date | null) => d?.toISOString() ?? null;

export default async function KeysPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const { page, sort, dir, sortParam } = readTableParams(sp, SORTS, { sort: "createdAt", dir: "desc" });
  const q = sp.q || undefined;
  const status = STATUSES.find((s) => s === sp.status);
  const [{ rows, total }, endpoints] = await Promise.all([
    listApiKeys(scope, { q, status, page, pageSize: PAGE_SIZE, sort, dir }),
    listEndpointNames(scope),
  ]);
  const manage = mayChange(scope, "keys.manage");
  const note = cannotChangeNote(scope, "keys.manage", "create and revoke keys");
  const filtered = q !== undefined || status !== undefined;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "API keys" }]}
        title="API keys"
        description="Applications call /api/v1 with these keys, as they would call OpenAI. Secrets are shown once and stored only as hashes."
        actions={manage ? <CreateKeyDialog tenant={scope.tenantSlug} endpoints={endpoints} /> : <ReadOnlyNote>{note}</ReadOnlyNote>}
      />
      {total === 0 && !filtered ? (
        <EmptyState
          icon={<KeyRound className="size-6" aria-hidden />}
          title="No API keys yet"
          description={
            manage
              ? "Create one for each application with Create key above: each gets its own endpoints and limits, and can be revoked alone."
              : `Applications need one to call this tenant's endpoints. ${note}`
          }
        />
      ) : (
        <KeysTable
          tenant={scope.tenantSlug}
          manage={manage}
          rows={rows.map((k) => ({
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            allowedEndpoints: k.allowedEndpoints,
            requestsPerMinute: k.requestsPerMinute,
            tokensPerMinute: k.tokensPerMinute,
            expiresAt: iso(k.expiresAt),
            lastUsedAt: iso(k.lastUsedAt),
            createdAt: k.createdAt.toISOString(),
            status: k.status,
            monthlyBudgetUsd: k.monthlyBudgetUsd?.toString() ?? null,
            budgetMode: k.budgetMode,
          }))}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
          sort={sortParam}
        />
      )}
    </>
  );
}
