import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { compareVersions } from "@/lib/prompts/compare";
import { getPromptByName, getVersionPair } from "@/lib/prompts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CompareForm } from "../../_components/compare-form";
import { DiffView } from "../../_components/diff-view";
import { promptNameParam, versionParam } from "../../_components/params";

export const metadata: Metadata = { title: "Compare prompt versions" };

type Search = { from?: string; to?: string };

export default async function PromptDiffPage({ params, searchParams }: { params: Promise<{ tenant: string; name: string }>; searchParams: Promise<Search> }) {
  const { tenant, name: rawName } = await params;
  const { scope } = await requireTenant(tenant);
  const name = promptNameParam(rawName);
  const prompt = name === null ? null : await getPromptByName(scope, name);
  if (!prompt) notFound();
  const sp = await searchParams;
  // Without a choice: the newest version against the one before it.
  const to = versionParam(sp.to) ?? prompt.latestVersion;
  const from = versionParam(sp.from) ?? Math.max(1, to - 1);
  const pair = await getVersionPair(scope, prompt.id, from, to);
  const base = `/t/${scope.tenantSlug}`;
  const self = `${base}/prompts/${encodeURIComponent(prompt.name)}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Prompts", href: `${base}/prompts` }, { label: prompt.name, href: self }, { label: "Compare" }]}
        title={`${prompt.name}: v${from} and v${to}`}
        description="Each part of the two versions side by side: removed lines on the left, added lines on the right."
      />
      <div className="space-y-4">
        <CompareForm action={`${self}/diff`} versions={prompt.versions.map((v) => v.version)} from={from} to={to} />
        {pair ? (
          <DiffView sections={compareVersions(pair.before, pair.after)} before={from} after={to} />
        ) : (
          <EmptyState title="No such version" description={`${prompt.name} has versions 1 to ${prompt.latestVersion}. Pick two of them.`} />
        )}
      </div>
    </>
  );
}
