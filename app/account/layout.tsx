import { AppShell } from "@/components/shell/app-shell";
import type { NavItem } from "@/components/shell/sidebar-nav";
import { requireUser } from "@/lib/auth/session";
import { listMyTenants } from "@/lib/tenancy/data";

export const dynamic = "force-dynamic";

export default async function AccountLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const tenants = await listMyTenants(user.id);
  const nav: NavItem[] = [
    { href: "/account", label: "Your account", icon: "members" },
    ...tenants.map((t) => ({ href: `/t/${t.slug}`, label: t.name, icon: "overview" }) as NavItem),
    ...(user.isPlatformAdmin ? [{ href: "/admin", label: "Platform admin", icon: "tenants" } as NavItem] : []),
  ];
  return (
    <AppShell nav={nav} current={null} tenants={tenants} user={user}>
      {children}
    </AppShell>
  );
}
