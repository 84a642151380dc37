import type { Metadata } from "next";
import { AppShell } from "@/components/shell/app-shell";
import type { NavItem } from "@/components/shell/sidebar-nav";
import { listMyTenants } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";
import { scopeCan } from "@/lib/tenancy/scope";

export const dynamic = "force-dynamic";

/** Every page's title names its screen and the tenant: "Endpoints · Acme · Keel". */
export async function generateMetadata({ params }: { params: Promise<{ tenant: string }> }): Promise<Metadata> {
  const { scope } = await requireTenant((await params).tenant);
  return { title: { template: `%s · ${scope.tenantName} · Keel`, default: `${scope.tenantName} · Keel` } };
}

export default async function TenantLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const { user, scope } = await requireTenant(tenant);
  const tenants = await listMyTenants(user.id);
  const base = `/t/${scope.tenantSlug}`;
  const nav: NavItem[] = [
    { href: base, label: "Overview", icon: "overview", exact: true },
    { href: `${base}/monitoring`, label: "Monitoring", icon: "monitoring" },
    { href: `${base}/endpoints`, label: "Endpoints", icon: "endpoints" },
    { href: `${base}/catalog`, label: "Model catalog", icon: "catalog" },
    { href: `${base}/rollouts`, label: "Rollouts", icon: "rollouts" },
    { href: `${base}/evals`, label: "Evaluations", icon: "evals" },
    { href: `${base}/fine-tuning`, label: "Fine-tuning", icon: "finetune" },
    { href: `${base}/playground`, label: "Playground", icon: "playground" },
    { href: `${base}/prompts`, label: "Prompts", icon: "prompts" },
    { href: `${base}/keys`, label: "API keys", icon: "keys" },
    { href: `${base}/providers`, label: "Providers", icon: "providers" },
    { href: `${base}/members`, label: "Members", icon: "members" },
    ...(scopeCan(scope, "audit.read") ? [{ href: `${base}/audit`, label: "Audit log", icon: "audit" } as NavItem] : []),
    { href: `${base}/settings`, label: "Settings", icon: "settings" },
  ];
  const notices = [
    scope.readOnly && (
      <div key="read-only" role="status" data-testid="read-only-banner" className="border-b border-primary/40 bg-primary/10 px-6 py-2 text-sm">
        You are viewing {scope.tenantName} as the platform admin, read-only: you are not a member, nothing here can be changed by you, and
        this visit is on the tenant&apos;s audit log.
      </div>
    ),
    scope.status === "SUSPENDED" && (
      <div key="suspended" role="status" className="border-b border-warning/40 bg-warning/10 px-6 py-2 text-sm">
        This tenant is suspended by the platform admin: you can look, but nothing can change.
      </div>
    ),
  ].filter(Boolean);
  const banner = notices.length ? <>{notices}</> : null;
  return (
    <AppShell
      nav={nav}
      current={{ slug: scope.tenantSlug, name: scope.tenantName, role: scope.readOnly ? "read-only" : scope.role, status: scope.status }}
      tenants={tenants}
      user={user}
      banner={banner}
    >
      {children}
    </AppShell>
  );
}
