import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReadOnlyNote, cannotChangeNote, mayChange } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getPromptByName, getPromptVersion, listChatEndpointNames } from "@/lib/prompts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { CompareForm } from "../_components/compare-form";
import { DeletePromptDialog } from "../_components/delete-prompt-dialog";
import { versionParam, promptNameParam } from "../_components/params";
import { PromptEditor } from "../_components/prompt-editor";
import { PromptView } from "../_components/prompt-view";
import { VariablesPreview } from "../_components/variables-preview";
import { VersionsTable } from "../_components/versions-table";

export const metadata: Metadata = { title: "Prompt" };

export default async function PromptPage({ params, searchParams }: { params: Promise<{ tenant: string; name: string }>; searchParams: Promise<{ version?: string }> }) {
  const { tenant, name: rawName } = await params;
  const { scope } = await requireTenant(tenant);
  const name = promptNameParam(rawName);
  const prompt = name === null ? null : await getPromptByName(scope, name);
  if (!prompt) notFound();
  const shown = versionParam((await searchParams).version) ?? prompt.latestVersion;
  const version = await getPromptVersion(scope, prompt.id, shown);
  if (!version) notFound();
  const manage = mayChange(scope, "prompts.manage");
  const endpoints = manage ? await listChatEndpointNames(scope) : [];
  const base = `/t/${scope.tenantSlug}`;
  const self = `${base}/prompts/${encodeURIComponent(prompt.name)}`;
  const numbers = prompt.versions.map((v) => v.version);
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Prompts", href: `${base}/prompts` }, { label: prompt.name }]}
        title={prompt.name}
        description={prompt.description ?? undefined}
        actions={
          manage ? (
            <DeletePromptDialog tenant={scope.tenantSlug} promptId={prompt.id} name={prompt.name} />
          ) : (
            <ReadOnlyNote>{cannotChangeNote(scope, "prompts.manage", "save, restore and delete versions")}</ReadOnlyNote>
          )
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2" data-testid="shown-version">
              Version {version.version}
              {version.version === prompt.latestVersion ? <Badge>newest</Badge> : <Badge variant="warning">older version</Badge>}
              {version.restoredFrom !== null && <Badge variant="secondary">restored from v{version.restoredFrom}</Badge>}
            </CardTitle>
            <CardDescription>
              {version.note ? `“${version.note}” · ` : ""}
              {version.author ? `by ${version.author} · ` : ""}
              <LocalTime value={version.createdAt} precision="minute" /> · <span data-testid="fetch-count">fetched {prompt.fetchCount.toLocaleString("en-US")} time{prompt.fetchCount === 1 ? "" : "s"} in all</span>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <PromptView content={version.content} endpointName={version.endpointName} />
          </CardContent>
        </Card>
        <VariablesPreview
          key={version.version}
          tenant={scope.tenantSlug}
          prompt={{ name: prompt.name, version: version.version }}
          content={version.content}
          variables={version.variables}
        />
        {manage && (
          <Card>
            <CardHeader>
              <CardTitle>Save a new version</CardTitle>
            </CardHeader>
            <CardContent>
              <PromptEditor
                key={version.version}
                tenant={scope.tenantSlug}
                mode={{ kind: "version", promptId: prompt.id, name: prompt.name, fromVersion: version.version }}
                endpoints={endpoints}
                initial={{ content: version.content, endpointName: version.endpointName }}
              />
            </CardContent>
          </Card>
        )}
        <Card className="overflow-hidden">
          <CardHeader>
            <CardTitle>Versions</CardTitle>
            <CardDescription>Versions never change: saving or restoring adds one. Applications get the newest unless they ask for ?version=N.</CardDescription>
            {numbers.length > 1 && (
              <CompareForm action={`${self}/diff`} versions={numbers} from={numbers[1]} to={numbers[0]} />
            )}
          </CardHeader>
          <CardContent className="p-0">
            <VersionsTable tenant={scope.tenantSlug} prompt={prompt} versions={prompt.versions} shown={version.version} manage={manage} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Fetch it from an application</CardTitle>
            <CardDescription>With one of this tenant&apos;s API keys; a key limited to some endpoints sees only prompts that target them.</CardDescription>
          </CardHeader>
          <CardContent>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs">{`curl ${process.env.KEEL_PUBLIC_URL ?? ""}/api/v1/prompts/${encodeURIComponent(prompt.name)} \\
  -H "Authorization: Bearer $KEEL_API_KEY"`}</pre>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
