import { AppShell } from "@/components/shell/app-shell";
import { listMyTenants } from "@/lib/tenancy/data";
import { requirePlatformAdmin } from "@/lib/tenancy/page";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePlatformAdmin();
  const tenants = await listMyTenants(user.id);
  return (
    <AppShell nav={[
        { href: "/admin", label: "Tenants", icon: "tenants", exact: true },
        { href: "/admin/sign-ins", label: "Sign-ins", icon: "audit" },
        { href: "/account", label: "Your account", icon: "members" },
      ]} current={null} tenants={tenants} user={user}>
      {children}
    </AppShell>
  );
}
