import type { Metadata } from "next";
import Link from "next/link";
import { MessagesSquare } from "lucide-react";
import { QueryProvider } from "@/components/query-provider";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { listPlaygroundEndpoints } from "@/lib/playground/data";
import { requireTenant } from "@/lib/tenancy/page";
import { Playground } from "./_components/playground";

export const metadata: Metadata = { title: "Playground" };

export default async function PlaygroundPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { scope } = await requireTenant((await params).tenant);
  const endpoints = await listPlaygroundEndpoints(scope);
  const canRun = can(scope.role, "endpoints.try") && scope.status === "ACTIVE";
  const base = `/t/${scope.tenantSlug}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: scope.tenantName, href: base }, { label: "Playground" }]}
        title="Playground"
        description="Try prompts against your chat endpoints and compare versions side by side. Runs go through the gateway as you: limited, recorded and billed like API calls."
      />
      {endpoints.length === 0 ? (
        <EmptyState
          icon={<MessagesSquare className="size-6" aria-hidden />}
          title="No chat endpoints yet"
          description="The playground runs prompts against this tenant's chat endpoints. Create one under Endpoints, then come back."
          action={
            <Button asChild>
              <Link href={`${base}/endpoints`}>Go to Endpoints</Link>
            </Button>
          }
        />
      ) : (
        <QueryProvider>
          <Playground
            tenant={scope.tenantSlug}
            endpoints={endpoints}
            canRun={canRun}
            roleLabel={ROLE_LABELS[scope.role]}
            // server.ts always sets it (lib/server/console-environment.ts); a server component has no request origin to fall back on.
            publicUrl={process.env.KEEL_PUBLIC_URL ?? ""}
          />
        </QueryProvider>
      )}
    </>
  );
}
