import type { Metadata } from "next";
import Link from "next/link";
import { Library } from "lucide-react";
import { mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { CATALOG_STATUSES, listCatalog, type CatalogStatus } from "@/lib/catalog/data";
import { getEndpoint, listEndpoints } from "@/lib/endpoints/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CatalogTable } from "./_components/catalog-table";

export const metadata: Metadata = { title: "Model catalog" };

const PAGE_SIZE = 25;
/** The endpoint menu offers the first endpoints by name; a tenant with more searches by name instead. */
const ENDPOINTS_SHOWN = 100;

type Search = { page?: string; status?: string; endpoint?: string; q?: string };

export default async function CatalogPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const status = (CATALOG_STATUSES as readonly string[]).includes(sp.status ?? "") ? (sp.status as CatalogStatus) : undefined;
  const q = sp.q?.slice(0, 200);
  const [{ rows: shown }, chosen] = await Promise.all([
    listEndpoints(scope, { page: 1, pageSize: ENDPOINTS_SHOWN, sort: "name", dir: "asc" }),
    sp.endpoint ? getEndpoint(scope, sp.endpoint) : null,
  ]);
  // An endpoint that is not this tenant's filters nothing, like an unknown status; one past the first
  // hundred still filters, and joins the menu.
  const endpointId = chosen?.id;
  const endpoints = [...shown.map((e) => ({ id: e.id, name: e.name })), ...(chosen && !shown.some((e) => e.id === chosen.id) ? [{ id: chosen.id, name: chosen.name }] : [])];
  const { rows, total } = await listCatalog(scope, { status, endpointId, q, page, pageSize: PAGE_SIZE });
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Model catalog" }]}
        title="Model catalog"
        description="Every model version of every endpoint: where it came from (artifact, base model, dataset, fine-tune job), its model card, who approved it into production, and which version served when."
      />
      {total === 0 && !status && !endpointId && !q ? (
        <EmptyState
          icon={<Library className="size-6" aria-hidden />}
          title="No model versions yet"
          description="Each version of an endpoint has an entry here. Create an endpoint to add the first."
          action={
            mayChange(scope, "endpoints.manage") ? (
              <Button asChild variant="outline">
                <Link href={`${base}/endpoints`}>Go to Endpoints</Link>
              </Button>
            ) : undefined
          }
        />
      ) : (
        <CatalogTable
          tenant={scope.tenantSlug}
          endpoints={endpoints}
          rows={rows.map(({ fineTuneJobId: _job, createdAt: _created, releasedAt, ...r }) => ({ ...r, releasedAt: releasedAt?.toISOString() ?? null }))}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
        />
      )}
    </>
  );
}
