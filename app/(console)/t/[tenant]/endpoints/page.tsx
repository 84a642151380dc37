import type { Metadata } from "next";
import Link from "next/link";
import { Boxes } from "lucide-react";
import { readTableParams } from "@/components/data-table/table-params";
import { ReadOnlyNote, cannotChangeNote, mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { listEndpoints } from "@/lib/endpoints/data";
import { listProviders } from "@/lib/providers/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CreateEndpointDialog } from "./_components/create-endpoint-dialog";
import { EndpointsTable } from "./_components/endpoints-table";

export const metadata: Metadata = { title: "Endpoints" };

const PAGE_SIZE = 25;
const SORTS = ["name", "createdAt"] as const;
const KINDS = { chat: "CHAT", embeddings: "EMBEDDINGS" } as const;
const STATUSES = { enabled: true, disabled: false } as const;

type Search = { page?: string; sort?: string; q?: string; kind?: string; status?: string };

export default async function EndpointsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const { page, sort, dir, sortParam } = readTableParams(sp, SORTS, { sort: "name", dir: "asc" });
  const q = sp.q || undefined;
  const kind = sp.kind && Object.hasOwn(KINDS, sp.kind) ? KINDS[sp.kind as keyof typeof KINDS] : undefined;
  const enabled = sp.status && Object.hasOwn(STATUSES, sp.status) ? STATUSES[sp.status as keyof typeof STATUSES] : undefined;
  const [{ rows, total }, providers] = await Promise.all([
    listEndpoints(scope, { q, kind, enabled, page, pageSize: PAGE_SIZE, sort, dir }),
    listProviders(scope),
  ]);
  const manage = mayChange(scope, "endpoints.manage");
  const note = cannotChangeNote(scope, "endpoints.manage", "create endpoints");
  const filtered = q !== undefined || kind !== undefined || enabled !== undefined;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Endpoints" }]}
        title="Endpoints"
        description="Each endpoint is a model name your applications call; its active version decides which provider model answers."
        actions={
          manage ? (
            <CreateEndpointDialog
              tenant={scope.tenantSlug}
              providers={providers.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))}
              canPrice={mayChange(scope, "prices.manage")}
            />
          ) : (
            <ReadOnlyNote>{note}</ReadOnlyNote>
          )
        }
      />
      {total === 0 && !filtered ? (
        <EmptyState
          icon={<Boxes className="size-6" aria-hidden />}
          title="No endpoints yet"
          description={emptyText(manage, providers.length > 0, mayChange(scope, "providers.manage"), note)}
          action={
            manage && providers.length === 0 ? (
              <Button asChild variant="outline">
                <Link href={`/t/${scope.tenantSlug}/providers`}>Go to Providers</Link>
              </Button>
            ) : undefined
          }
        />
      ) : (
        <EndpointsTable
          tenant={scope.tenantSlug}
          rows={rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
          sort={sortParam}
        />
      )}
    </>
  );
}

/** The next step from no endpoints at all, for this viewer. */
function emptyText(manage: boolean, hasProviders: boolean, addsProviders: boolean, note: string): string {
  if (!manage) return `Endpoints are the model names applications call. ${note}`;
  if (hasProviders) return "Create one with New endpoint above and point it at a provider's model.";
  if (addsProviders) return "An endpoint answers through a provider, and this tenant has none yet: add one under Providers first.";
  return `An endpoint answers through a provider, and this tenant has none yet. Ask one of its ${rolesThatCan("providers.manage", "or").toLowerCase()} to add one.`;
}
