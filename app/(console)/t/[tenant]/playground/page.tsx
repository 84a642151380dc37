import type { Metadata } from "next";
import Link from "next/link";
import { MessagesSquare } from "lucide-react";
import { QueryProvider } from "@/components/query-provider";
import { mayChange, rolesThatCan, type ScopeView } from "@/components/forms/read-only";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { listPlaygroundEndpoints, openPromptVersion } from "@/lib/playground/data";
import { readOpenRequest } from "@/lib/playground/library";
import { listPromptNames } from "@/lib/prompts/data";
import { requireTenant } from "@/lib/tenancy/page";
import { LibraryNotice } from "./_components/library-notice";
import { Playground } from "./_components/playground";

export const metadata: Metadata = { title: "Playground" };

type Search = Record<string, string | string[] | undefined>;

export default async function PlaygroundPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { scope } = await requireTenant((await params).tenant);
  const endpoints = await listPlaygroundEndpoints(scope);
  // ?prompt=NAME&version=N opens a version of the library; any member who reads prompts may open one.
  const request = readOpenRequest(await searchParams);
  const opening = request && (request.ok ? await openPromptVersion(scope, request.request, endpoints) : request);
  const canRun = mayChange(scope, "endpoints.try");
  const canSave = mayChange(scope, "prompts.manage");
  const start = opening?.ok ? opening.start : null;
  const prompts = canSave ? await listPromptNames(scope, { include: start?.source.name }) : null;
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Playground" }]}
        title="Playground"
        description="Try prompts against your chat endpoints and compare versions side by side. Runs go through the gateway as you: limited, recorded and billed like API calls."
      />
      {opening && (
        <div className="mb-6">
          <LibraryNotice tenant={scope.tenantSlug} opening={opening} />
        </div>
      )}
      {endpoints.length === 0 ? (
        <EmptyState
          icon={<MessagesSquare className="size-6" aria-hidden />}
          title="No chat endpoints yet"
          description={
            mayChange(scope, "endpoints.manage")
              ? "The playground runs prompts against this tenant's chat endpoints. Create one under Endpoints, then come back."
              : `The playground runs prompts against this tenant's chat endpoints. Ask one of its ${rolesThatCan("endpoints.manage", "or").toLowerCase()} to create one.`
          }
          action={
            <Button asChild variant={mayChange(scope, "endpoints.manage") ? "default" : "outline"}>
              <Link href={`${base}/endpoints`}>Go to Endpoints</Link>
            </Button>
          }
        />
      ) : (
        <QueryProvider>
          <Playground
            // Another link opens another start; a refresh after saving keeps what is on the page.
            key={start && request?.ok ? JSON.stringify(request.request) : "blank"}
            tenant={scope.tenantSlug}
            endpoints={endpoints}
            canRun={canRun}
            cannotRun={cannotRunText(scope)}
            // server.ts always sets it (lib/server/console-environment.ts); a server component has no request origin to fall back on.
            publicUrl={process.env.KEEL_PUBLIC_URL ?? ""}
            start={start}
            prompts={prompts}
          />
        </QueryProvider>
      )}
    </>
  );
}

/** Why the Run button is absent: the playground is still there to look at and draft in. */
function cannotRunText(scope: ScopeView): string {
  if (scope.readOnly) return "This is a read-only visit: you can look at the playground but not run prompts.";
  if (scope.status !== "ACTIVE") return "This tenant is suspended: you can look at the playground but not run prompts.";
  return `The ${ROLE_LABELS[scope.role]} role can look at the playground but not run prompts: runs are recorded and billed like API calls. ${rolesThatCan("endpoints.try")} can run them.`;
}
