import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { hasPassword, recentAccountEvents } from "@/lib/auth/account-data";
import { requireUser } from "@/lib/auth/session";
import { AccountEventsTable } from "./_components/account-events-table";
import { ChangePasswordForm } from "./_components/change-password-form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser();
  const [withPassword, events] = await Promise.all([hasPassword(user.id), recentAccountEvents(user.id)]);
  return (
    <>
      <PageHeader crumbs={[{ label: "Your account" }]} title="Your account" description={`Signed in as ${user.email}.`} />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Password</CardTitle>
            <CardDescription>
              {withPassword
                ? "Changing it signs you out everywhere, here too: sign in again with the new one."
                : "This account signs in with single sign-on and has no password here."}
            </CardDescription>
          </CardHeader>
          {withPassword && (
            <CardContent>
              <ChangePasswordForm />
            </CardContent>
          )}
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Recent sign-ins</CardTitle>
            <CardDescription>
              Your last {events.length === 1 ? "event" : `${events.length} events`}: sign-ins, failed attempts with your email, sign-outs and
              password changes. Something you do not recognise? Change your password and sign out everywhere.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <AccountEventsTable rows={events} empty="No sign-ins recorded yet." />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
