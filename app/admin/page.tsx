import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { listTenantsForAdmin } from "@/lib/tenancy/data";
import { CreateTenantDialog } from "./_components/create-tenant-dialog";
import { TenantsTable } from "./_components/tenants-table";

export const metadata: Metadata = { title: "Tenants" };

const PAGE_SIZE = 20;
const SORTS = ["name", "slug", "createdAt"] as const;

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ page?: string; sort?: string; q?: string }> }) {
  const sp = await searchParams;
  const page = Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1);
  const [field, dir] = (sp.sort ?? "createdAt.desc").split(".");
  const sort = (SORTS as readonly string[]).includes(field) ? (field as (typeof SORTS)[number]) : "createdAt";
  const direction = dir === "asc" ? "asc" : "desc";
  const { rows, total } = await listTenantsForAdmin({ q: sp.q || undefined, page, pageSize: PAGE_SIZE, sort, dir: direction });
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
        sort={`${sort}.${direction}`}
      />
    </>
  );
}
