import { AppShell } from "@/components/shell/app-shell";
import type { NavItem } from "@/components/shell/sidebar-nav";
import { can } from "@/lib/auth/permissions";
import { listMyTenants } from "@/lib/tenancy/data";
import { requireTenant } from "@/lib/tenancy/page";

export const dynamic = "force-dynamic";

export default async function TenantLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const { user, scope } = await requireTenant(tenant);
  const tenants = await listMyTenants(user.id);
  const base = `/t/${scope.tenantSlug}`;
  const nav: NavItem[] = [
    { href: base, label: "Overview", icon: "overview", exact: true },
    { href: `${base}/endpoints`, label: "Endpoints", icon: "endpoints" },
    { href: `${base}/playground`, label: "Playground", icon: "playground" },
    { href: `${base}/prompts`, label: "Prompts", icon: "prompts" },
    { href: `${base}/keys`, label: "API keys", icon: "keys" },
    { href: `${base}/providers`, label: "Providers", icon: "providers" },
    { href: `${base}/members`, label: "Members", icon: "members" },
    ...(can(scope.role, "audit.read") ? [{ href: `${base}/audit`, label: "Audit log", icon: "audit" } as NavItem] : []),
    { href: `${base}/settings`, label: "Settings", icon: "settings" },
  ];
  const banner =
    scope.status === "SUSPENDED" ? (
      <div role="status" className="border-b border-warning/40 bg-warning/10 px-6 py-2 text-sm">
        This tenant is suspended by the platform admin: you can look, but nothing can change.
      </div>
    ) : null;
  return (
    <AppShell
      nav={nav}
      current={{ slug: scope.tenantSlug, name: scope.tenantName, role: scope.role, status: scope.status }}
      tenants={tenants}
      user={user}
      banner={banner}
    >
      {children}
    </AppShell>
  );
}
