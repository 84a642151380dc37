import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { listMyTenants } from "@/lib/tenancy/data";

export const dynamic = "force-dynamic";

/** Sends people to their first tenant, the admin to /admin, everyone else to sign in. */
export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const tenants = await listMyTenants(user.id);
  if (tenants.length > 0) redirect(`/t/${tenants[0].slug}`);
  if (user.isPlatformAdmin) redirect("/admin");
  redirect("/no-tenant");
}
