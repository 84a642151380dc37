import type { Metadata } from "next";
import Link from "next/link";
import { MessageSquareText, Plus } from "lucide-react";
import { readTableParams } from "@/components/data-table/table-params";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { listPrompts } from "@/lib/prompts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { PromptsTable } from "./_components/prompts-table";

export const metadata: Metadata = { title: "Prompts" };

const PAGE_SIZE = 25;
const SORTS = ["name", "updatedAt", "fetchCount"] as const;

type Search = { page?: string; sort?: string; q?: string };

export default async function PromptsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const { page, sort, dir, sortParam } = readTableParams(sp, SORTS, { sort: "updatedAt", dir: "desc" });
  const q = sp.q?.trim() || undefined;
  const { rows, total } = await listPrompts(scope, { q, page, pageSize: PAGE_SIZE, sort, dir });
  const manage = mayChange(scope, "prompts.manage");
  const note = cannotChangeNote(scope, "prompts.manage", "save prompts");
  const base = `/t/${scope.tenantSlug}`;
  const newPrompt = manage ? (
    <Button asChild>
      <Link href={`${base}/prompts/new`}><Plus className="size-4" aria-hidden /> New prompt</Link>
    </Button>
  ) : (
    <ReadOnlyNote>{note}</ReadOnlyNote>
  );
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Prompts" }]}
        title="Prompts"
        description="Versioned prompt templates with {{variables}} and parameters. Applications fetch the newest version from /api/v1/prompts/{name} instead of hard-coding it."
        actions={newPrompt}
      />
      {total === 0 && q === undefined ? (
        <EmptyState
          icon={<MessageSquareText className="size-6" aria-hidden />}
          title="No prompts yet"
          description={
            manage
              ? "Start one with New prompt above, or save one from the playground: every change becomes a new version you can compare and restore."
              : `Applications fetch their prompts from this library by name. ${note}`
          }
        />
      ) : (
        <PromptsTable
          base={base}
          rows={rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }))}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
          sort={sortParam}
        />
      )}
    </>
  );
}
