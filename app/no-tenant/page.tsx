import Link from "next/link";
import { requireUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Where a signed-in person without any tenant lands. */
export default async function NoTenantPage() {
  const user = await requireUser();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">No tenant yet</h1>
      <p className="max-w-sm text-sm text-muted-foreground">
        {user.email} is not a member of any tenant. Ask an owner or admin to invite you.
      </p>
      <Link href="/api/auth/signout" className="text-sm text-primary hover:underline">Sign out</Link>
    </main>
  );
}
