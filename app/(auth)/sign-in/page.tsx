import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { publicOrigin, sameOriginPath } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { signInErrorMessage } from "@/lib/auth/sign-in-messages";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; callbackUrl?: string | string[] }> }) {
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
        <SignInForm
          sso={sso}
          initialError={signInErrorMessage(first(error))}
          callbackUrl={sameOriginPath(first(callbackUrl), publicOrigin())}
        />
      </CardContent>
    </Card>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
