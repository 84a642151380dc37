import type { Metadata } from "next";
import Link from "next/link";
import { Anchor } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { findOpenInvitation } from "@/lib/tenancy/invitation-data";
import { AcceptInvitationForm } from "./_components/accept-invitation-form";

export const metadata: Metadata = { title: "Join" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findOpenInvitation(token);
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold">
          <Anchor className="size-5 text-primary" aria-hidden /> Keel
        </div>
        <Card>
          {invitation ? (
            <>
              <CardHeader>
                <CardTitle>Join {invitation.tenantName}</CardTitle>
                <CardDescription>Set a password for {invitation.email}. This link works once.</CardDescription>
              </CardHeader>
              <CardContent>
                <AcceptInvitationForm token={token} email={invitation.email} />
              </CardContent>
            </>
          ) : (
            <CardHeader>
              <CardTitle>This link no longer works</CardTitle>
              <CardDescription>
                It was used already, has expired, or the account it was for can already sign in (a
                password was set or single sign-on was used). <Link className="underline" href="/sign-in">Sign in</Link>,
                or ask an admin of your tenant for help.
              </CardDescription>
            </CardHeader>
          )}
        </Card>
      </div>
    </main>
  );
}
