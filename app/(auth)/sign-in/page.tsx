import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getSessionUser } from "@/lib/auth/session";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  NotInvited: "Single sign-on worked, but nobody has invited this email to Keel yet.",
  OAuthSignin: "Single sign-on could not start. Check the OIDC settings.",
  OAuthCallback: "Single sign-on failed on the way back.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  if (await getSessionUser()) redirect("/");
  const { error, callbackUrl } = await searchParams;
  const sso = process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID ? (process.env.OIDC_NAME ?? "Single sign-on") : null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in to Keel</CardTitle>
        <CardDescription>Use your work email and password{sso ? `, or ${sso}` : ""}.</CardDescription>
      </CardHeader>
      <CardContent>
        <SignInForm sso={sso} initialError={error ? (ERRORS[error] ?? error) : undefined} callbackUrl={safeCallback(callbackUrl)} />
      </CardContent>
    </Card>
  );
}

function safeCallback(url: string | undefined): string {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}
