import type { Metadata } from "next";
import { GraduationCap } from "lucide-react";
import { ReadOnlyNote, cannotChangeNote, mayChange, rolesThatCan } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { fineTuneChoices, listFineTunes } from "@/lib/finetune/data";
import { requireTenant } from "@/lib/tenancy/page";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { STATUS_PARAMS, isLive } from "./_components/fine-tune-text";
import { FineTunesTable, type FineTuneRow } from "./_components/fine-tunes-table";
import { LaunchFineTuneDialog } from "./_components/launch-fine-tune-dialog";

export const metadata: Metadata = { title: "Fine-tuning" };

const PAGE_SIZE = 25;

type Search = { page?: string; status?: string };

export default async function FineTuningPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const sp = await searchParams;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const status = sp.status && Object.hasOwn(STATUS_PARAMS, sp.status) ? STATUS_PARAMS[sp.status as keyof typeof STATUS_PARAMS] : undefined;
  const launch = mayChange(scope, "finetune.launch");
  const [{ rows, total }, choices] = await Promise.all([
    listFineTunes(scope, { status, page, pageSize: PAGE_SIZE }),
    launch ? fineTuneChoices(scope) : null,
  ]);
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Fine-tuning" }]}
        title="Fine-tuning"
        description="Train a model on your own examples at an OpenAI-compatible provider. Keel hands the job over, follows it, and adds the trained model to an endpoint as a draft version with its lineage."
        actions={
          choices ? (
            <LaunchFineTuneDialog tenant={scope.tenantSlug} choices={choices} canAddProviders={mayChange(scope, "providers.manage")} />
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "finetune.launch", "launch and cancel fine-tuning jobs")}</ReadOnlyNote>
          )
        }
      />
      {/* The tracker asks providers every 10 s; twice as often shows each change within a few seconds. */}
      <LiveRefresh live={rows.some((r) => isLive(r.status))} everyMs={5_000} />
      {total === 0 && !status ? (
        <EmptyState icon={<GraduationCap className="size-6" aria-hidden />} title="No fine-tuning jobs yet" description={emptyText(launch)} />
      ) : (
        <FineTunesTable
          tenant={scope.tenantSlug}
          rows={rows.map(toRow)}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
          canCancel={launch}
        />
      )}
    </>
  );
}

/** The fields the table shows, and nothing else, for the browser. */
function toRow(r: Awaited<ReturnType<typeof listFineTunes>>["rows"][number]): FineTuneRow {
  return {
    id: r.id, trainingName: r.trainingName, trainingExamples: r.trainingExamples, trainingHash: r.trainingHash, baseModel: r.baseModel, fineTunedModel: r.fineTunedModel,
    providerName: r.providerName, endpointId: r.endpointId, endpointName: r.endpointName, status: r.status, providerStatus: r.providerStatus, cancelRequested: r.cancelRequested,
    error: r.error, versionId: r.versionId, versionLabel: r.versionLabel, launchedBy: r.launchedBy, createdAt: r.createdAt.toISOString(),
  };
}

/** What this viewer can do about fine-tuning, when no job has run yet. */
function emptyText(launches: boolean): string {
  const provider = "It needs an OpenAI-compatible provider that supports OpenAI's fine-tuning API (files and fine-tuning jobs), such as OpenAI itself; the built-in demo models cannot be trained.";
  if (launches) return `Launch one with Launch fine-tune above: a base model, a JSONL file of example conversations, and the chat endpoint that gets the result. ${provider}`;
  return `${rolesThatCan("finetune.launch")} launch fine-tuning jobs here; each trained model becomes a draft version of an endpoint. ${provider}`;
}
