import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClasses } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { activationOf, explorerChoices, findChangeEvent, idsOf, labelIds, versionCallers } from "@/lib/audit/explorer/answers";
import { decodeCursor, encodeCursor } from "@/lib/audit/explorer/cursor";
import { exploreTrail } from "@/lib/audit/explorer/data";
import { EXPORT_ACTION } from "@/lib/audit/export/export";
import { parseExplorerParams, type TrailFilters as Filters } from "@/lib/audit/explorer/filters";
import { FILTER_PARAMS, explorerHref } from "@/lib/audit/explorer/params";
import { findRequestDetail } from "@/lib/audit/request-detail";
import type { Role } from "@/lib/db/generated/enums";
import { contentModeSentence } from "@/lib/privacy/mode";
import { findTenantSettings } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { scopeCan } from "@/lib/tenancy/scope";
import { DetailDrawer } from "./_components/detail-drawer";
import { ExportLinks } from "./_components/export-links";
import { ChangeDetailBody, RequestDetailBody } from "./_components/trail-detail";
import { TrailFilters } from "./_components/trail-filters";
import { TrailQuestions } from "./_components/trail-questions";
import { TrailTable } from "./_components/trail-table";
import { VerifyChainButton } from "./_components/verify-chain-button";
import { VersionCallers } from "./_components/version-callers";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

type Search = Record<string, string | string[] | undefined>;

/**
 * The audit explorer: every change and every gateway request of the tenant in one time line,
 * filtered and paged by keyset on the server, the view in the URL, a record's whole detail (and
 * the seal that proves it) in a drawer.
 */
export default async function AuditPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { user, scope } = await requireTenant((await params).tenant);
  const crumbs = [{ label: scope.tenantName, href: `/t/${scope.tenantSlug}` }, { label: "Audit log" }];
  if (!scopeCan(scope, "audit.read")) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Audit log" />
        <Forbidden role={ROLE_LABELS[scope.role]} what="read the audit trail" />
      </>
    );
  }
  const sp = await searchParams;
  const base = `/t/${scope.tenantSlug}/audit`;
  const current = Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : (v ?? "")]));
  const hrefWith = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(current);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const text = next.toString();
    return text ? `${base}?${text}` : base;
  };
  const parsed = parseExplorerParams(sp);
  const cursor = parsed.ok ? decodeCursor(parsed.params.cursor) : null;
  const errors = parsed.ok ? (parsed.params.cursor && !cursor ? { cursor: ["This page link is not valid; start from the first page."] } : {}) : parsed.errors;
  const choices = await explorerChoices(scope);
  const filterValues = Object.fromEntries([...FILTER_PARAMS, "order"].map((k) => [k, current[k] ?? ""]).filter(([, v]) => v));
  const { contentRetentionDays } = await findTenantSettings(scope);

  const header = (
    <PageHeader
      crumbs={crumbs}
      title="Audit log"
      description={`Every change and every gateway request in this tenant, append-only: changes are hash-chained under a head Keel signs, request records are sealed into that chain in batches. ${contentModeSentence(contentRetentionDays)}`}
      actions={scopeCan(scope, "audit.verify") ? <VerifyChainButton tenant={scope.tenantSlug} /> : undefined}
    />
  );
  const filtersBar = <TrailFilters key={JSON.stringify(filterValues)} values={filterValues} choices={choices} errors={errors} />;
  if (!parsed.ok || Object.keys(errors).length > 0) {
    return (
      <>
        {header}
        <div className="space-y-4">
          {filtersBar}
          <p role="alert" className="text-sm text-destructive" data-testid="trail-error">
            {`Nothing was searched: ${Object.values(errors).flat().join(" ")}`}{" "}
            <Link className="underline underline-offset-2" href={base}>Clear filters</Link>
          </p>
        </div>
      </>
    );
  }
  const { filters, params: view } = parsed;

  const [page, callers] = await Promise.all([
    exploreTrail(scope, filters, { order: view.order, cursor, back: view.back === "1", size: PAGE_SIZE }),
    filters.versionId ? versionCallers(scope, filters.versionId, { from: filters.from, to: filters.to }) : null,
  ]);
  const labels = await labelIds(scope, idsOf(page.rows, callers ?? []));
  // Asking for one request by id opens it: "which version answered request R" is the drawer's answer.
  const open = view.open ?? (filters.requestId && page.rows.some((r) => r.kind === "request") ? `r:${filters.requestId}` : undefined);
  const detail = open ? await readDetail(scope, user.id, open) : null;
  const changesHref = (f: Record<string, string>) => explorerHref(base, f);

  return (
    <>
      {header}
      <div className="space-y-4">
        <TrailQuestions action={base} endpoints={choices.endpoints} />
        {filtersBar}
        {scopeCan(scope, "audit.verify") && <ExportLinks api={`/api/t/${scope.tenantSlug}/audit/export`} filters={filterValues} />}
        {callers && filters.versionId && (
          <VersionCallers version={versionName(choices.endpoints, filters.versionId)} window={windowText(filters)} callers={callers} labels={labels} />
        )}
        <TrailTable rows={page.rows} labels={labels} hrefWith={hrefWith} clearHref={base} />
        <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
          <span className="text-muted-foreground">
            {page.rows.length === 0 ? "No rows" : `${page.rows.length} row${page.rows.length === 1 ? "" : "s"}, ${view.order === "desc" ? "newest" : "oldest"} first`}
          </span>
          <div className="flex gap-2">
            {cursor && <Link className={buttonClasses({ variant: "ghost", size: "sm" })} href={hrefWith({ cursor: null, back: null, open: null })} scroll={false}>First page</Link>}
            {page.prev ? (
              <Link className={buttonClasses({ variant: "outline", size: "sm" })} href={hrefWith({ cursor: encodeCursor(page.prev), back: "1", open: null })} scroll={false}>Previous</Link>
            ) : (
              <span className={buttonClasses({ variant: "outline", size: "sm" })} aria-disabled="true">Previous</span>
            )}
            {page.next ? (
              <Link className={buttonClasses({ variant: "outline", size: "sm" })} href={hrefWith({ cursor: encodeCursor(page.next), back: null, open: null })} scroll={false}>Next</Link>
            ) : (
              <span className={buttonClasses({ variant: "outline", size: "sm" })} aria-disabled="true">Next</span>
            )}
          </div>
        </nav>
      </div>
      {detail && (
        <DetailDrawer title={detail.title} description={detail.description} closeHref={hrefWith({ open: null, ...(view.open ? {} : { request: null }) })}>
          {detail.kind === "request" && <RequestDetailBody r={detail.record} activation={detail.activation} hrefWith={hrefWith} changesHref={changesHref} />}
          {detail.kind === "change" && (
            <ChangeDetailBody
              e={detail.event}
              changesHref={changesHref}
              manifestHref={detail.event.action === EXPORT_ACTION && scopeCan(scope, "audit.verify") ? `/api/t/${scope.tenantSlug}/audit/export/manifest?seq=${detail.event.seq}` : undefined}
            />
          )}
          {detail.kind === "missing" && <p className="text-sm">Nothing in this tenant&apos;s trail has that id.</p>}
        </DetailDrawer>
      )}
    </>
  );
}

async function readDetail(scope: { tenantId: string; role: Role }, userId: string, open: string) {
  if (open.startsWith("r:")) {
    const record = await findRequestDetail({ tenantId: scope.tenantId, userId, role: scope.role }, open.slice(2));
    if (!record) return { kind: "missing" as const, title: "Request not found", description: open.slice(2) };
    const activation = record.version ? await activationOf(scope, record.version.id, record.createdAt) : null;
    return { kind: "request" as const, title: `Request ${record.id}`, description: "The request record, the version that answered it, and its seal.", record, activation };
  }
  const event = await findChangeEvent(scope, Number(open.slice(2)));
  if (!event) return { kind: "missing" as const, title: "Change not found", description: `#${open.slice(2)}` };
  return { kind: "change" as const, title: `Change #${event.seq}: ${event.action}`, description: "Who changed what, from where, and the links that chain it.", event };
}

function versionName(endpoints: { name: string; versions: { id: string; label: string }[] }[], id: string): string {
  for (const e of endpoints) for (const v of e.versions) if (v.id === id) return `${e.name} ${v.label}`;
  return "this version";
}

function windowText(f: Filters): ReactNode {
  const t = (d: Date) => <LocalTime value={d} precision="second" />;
  if (f.from && f.to) return <>between {t(f.from)} and {t(f.to)}</>;
  if (f.from) return <>since {t(f.from)}</>;
  if (f.to) return <>until {t(f.to)}</>;
  return "at any time";
}
