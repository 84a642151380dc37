import type { Metadata } from "next";
import { readTableParams } from "@/components/data-table/table-params";
import { PageHeader } from "@/components/shell/page-header";
import { listTenantsForAdmin } from "@/lib/tenancy/data";
import { requirePlatformAdmin } from "@/lib/tenancy/page";
import { CreateTenantDialog } from "./_components/create-tenant-dialog";
import { TenantsTable } from "./_components/tenants-table";

export const metadata: Metadata = { title: "Tenants" };

const PAGE_SIZE = 20;
const SORTS = ["name", "slug", "createdAt"] as const;

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ page?: string; sort?: string; q?: string }> }) {
  const admin = await requirePlatformAdmin();
  const sp = await searchParams;
  const { page, sort, dir, sortParam } = readTableParams(sp, SORTS, { sort: "createdAt", dir: "desc" });
  const { rows, total } = await listTenantsForAdmin(admin, { q: sp.q || undefined, page, pageSize: PAGE_SIZE, sort, dir });
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Platform admin" }, { label: "Tenants" }]}
        title="Tenants"
        description="Create tenants, and suspend or resume them."
        actions={<CreateTenantDialog />}
      />
      <TenantsTable
        rows={rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
        sort={sortParam}
      />
    </>
  );
}
