import type { Metadata } from "next";
import Link from "next/link";
import { Split } from "lucide-react";
import { mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getEndpoint } from "@/lib/endpoints/data";
import { listRollouts } from "@/lib/rollouts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { STATUS_PARAMS } from "./_components/rollout-text";
import { RolloutsTable } from "./_components/rollouts-table";

export const metadata: Metadata = { title: "Rollouts" };

const PAGE_SIZE = 25;

type Search = { page?: string; status?: string; endpoint?: string };

export default async function RolloutsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const status = sp.status && Object.hasOwn(STATUS_PARAMS, sp.status) ? STATUS_PARAMS[sp.status as keyof typeof STATUS_PARAMS] : undefined;
  // An endpoint that is not this tenant's filters nothing, like an unknown status.
  const endpoint = sp.endpoint ? await getEndpoint(scope, sp.endpoint) : null;
  const { rows, total } = await listRollouts(scope, { status, endpointId: endpoint?.id, page, pageSize: PAGE_SIZE });
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Rollouts" }]}
        title="Rollouts"
        description="Canary rollouts: a candidate version takes a rising share of an endpoint's traffic, step by step. Each promotion needs an approver other than the requester, and guards roll back on their own when the candidate does worse than the active version."
      />
      {endpoint && (
        <p data-testid="endpoint-filter" className="mb-4 text-sm">
          Rollouts of <code className="font-mono">{endpoint.name}</code>.{" "}
          <Link href={`${base}/rollouts`} className="underline underline-offset-2">Show every endpoint&apos;s</Link>
        </p>
      )}
      {total === 0 && !status && !endpoint ? (
        <EmptyState
          icon={<Split className="size-6" aria-hidden />}
          title="No rollouts yet"
          description={emptyText(mayChange(scope, "endpoints.manage"), mayChange(scope, "rollouts.approve"))}
          action={
            mayChange(scope, "endpoints.manage") ? (
              <Button asChild variant="outline">
                <Link href={`${base}/endpoints`}>Go to Endpoints</Link>
              </Button>
            ) : undefined
          }
        />
      ) : (
        <RolloutsTable
          tenant={scope.tenantSlug}
          rows={rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
        />
      )}
    </>
  );
}

/** What this viewer does with rollouts, when there are none yet. */
function emptyText(starts: boolean, approves: boolean): string {
  if (starts) return "Start one from an endpoint's page: pick another priced version as the candidate, its steps and its guards.";
  if (approves) return "When a builder starts a rollout, each of its promotions waits here for your decision, with the evidence to decide on.";
  return `${rolesThatCan("endpoints.manage")} start rollouts from an endpoint's page; ${rolesThatCan("rollouts.approve", "or").toLowerCase()} decide each promotion.`;
}
