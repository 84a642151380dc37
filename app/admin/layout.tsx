import { notFound } from "next/navigation";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth/session";
import { listMyTenants } from "@/lib/tenancy/data";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  if (!user.isPlatformAdmin) notFound();
  const tenants = await listMyTenants(user.id);
  return (
    <AppShell nav={[{ href: "/admin", label: "Tenants", icon: "tenants" }]} current={null} tenants={tenants} user={user}>
      {children}
    </AppShell>
  );
}
