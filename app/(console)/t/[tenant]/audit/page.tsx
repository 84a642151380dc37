import type { Metadata } from "next";
import { Forbidden } from "@/components/shell/forbidden";
import { readTableParams } from "@/components/data-table/table-params";
import { PageHeader } from "@/components/shell/page-header";
import { ROLE_LABELS, can } from "@/lib/auth/permissions";
import { listAuditActions, listAuditEvents } from "@/lib/audit/data";
import { requireTenant } from "@/lib/tenancy/page";
import { AuditTable } from "./_components/audit-table";
import { VerifyChainButton } from "./_components/verify-chain-button";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 25;

type Search = { page?: string; sort?: string; action?: string; actor?: string };

export default async function AuditPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const crumbs = [{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Audit log" }];
  if (!can(scope.role, "audit.read")) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Audit log" />
        <Forbidden role={ROLE_LABELS[scope.role]} what="read the audit trail" />
      </>
    );
  }
  const sp = await searchParams;
  const { page, dir, sortParam } = readTableParams(sp, ["seq"], { sort: "seq", dir: "desc" });
  const [{ rows, total }, actions] = await Promise.all([
    listAuditEvents(scope, { page, pageSize: PAGE_SIZE, dir, action: sp.action || undefined, actor: sp.actor || undefined }),
    listAuditActions(scope),
  ]);
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title="Audit log"
        description="Every change in this tenant, append-only and hash-chained under a head Keel signs: who did what, when, from where. Gateway request records are sealed into the chain every minute."
        actions={can(scope.role, "audit.verify") ? <VerifyChainButton tenant={scope.tenantSlug} /> : undefined}
      />
      <AuditTable
        rows={rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
        sort={sortParam}
        actions={actions}
      />
    </>
  );
}
