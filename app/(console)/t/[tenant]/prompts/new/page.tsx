import type { Metadata } from "next";
import { mayChange } from "@/components/forms/read-only";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { PERMISSIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { listChatEndpointNames } from "@/lib/prompts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { PromptEditor } from "../_components/prompt-editor";

export const metadata: Metadata = { title: "New prompt" };

export default async function NewPromptPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const base = `/t/${scope.tenantSlug}`;
  const crumbs = [{ label: scope.tenantName, href: base }, { label: "Prompts", href: `${base}/prompts` }, { label: "New prompt" }];
  if (!mayChange(scope, "prompts.manage")) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="New prompt" />
        <Forbidden role={ROLE_LABELS[scope.role]} what={PERMISSIONS["prompts.manage"].label.toLowerCase()} />
      </>
    );
  }
  const endpoints = await listChatEndpointNames(scope);
  return (
    <>
      <PageHeader crumbs={crumbs} title="New prompt" description="Its first version. Every later change is saved as a new version." />
      <Card>
        <CardContent className="pt-5">
          <PromptEditor tenant={scope.tenantSlug} mode={{ kind: "create" }} endpoints={endpoints} initial={null} />
        </CardContent>
      </Card>
    </>
  );
}
