import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { accountOrigin, recordAccountEvent, recordRefusedSingleSignOn, recordSignOut } from "./account-events";
import { publicOrigin, sameOriginPath } from "./callback-url";
import { linkOidcSignIn, type OidcClaims } from "./oidc-link";
import { signInWithPassword } from "./sign-in";

/** Single sign-on through any OIDC provider, switched on by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET. */
function oidcProvider(): NextAuthOptions["providers"] {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = process.env;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: process.env.OIDC_NAME || "Single sign-on",
      type: "oauth",
      wellKnown: `${OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: OIDC_CLIENT_ID,
      clientSecret: OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (p: { sub: string; email?: string; name?: string }) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? null }),
    },
  ];
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      id: "password",
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      // The address and browser come from the auth route's request (withAccountOrigin), as every
      // other account event's do.
      authorize: async (credentials) => {
        const { ip, userAgent } = accountOrigin();
        const user = await signInWithPassword(credentials?.email ?? "", credentials?.password ?? "", ip, userAgent);
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
      },
    }),
    ...oidcProvider(),
  ],
  events: {
    // A current session of Keel's (it has a `uid`) ends on the person's record; see recordSignOut.
    signOut: async ({ token }) => recordSignOut(db(), token),
  },
  callbacks: {
    // Single sign-on admits only people Keel already knows, by a verified email on their first
    // sign-on and by the provider's `sub` after that (lib/auth/oidc-link.ts).
    signIn: async ({ account, profile }) => {
      if (account?.provider !== "oidc") return true;
      const claims = (profile ?? {}) as OidcClaims;
      const linked = await linkOidcSignIn(db(), claims);
      if (linked.ok) return true;
      await recordRefusedSingleSignOn(db(), claims);
      return `/sign-in?error=${linked.error}`;
    },
    // Only paths of Keel's own origin: a callbackUrl such as `/\evil.example` is another host.
    redirect: async ({ url, baseUrl }) => {
      const origin = publicOrigin(baseUrl);
      return `${origin}${sameOriginPath(url, origin)}`;
    },
    jwt: async ({ token, user, account }) => {
      if (user) {
        // The password provider returns Keel's user id; single sign-on is found by its `sub`,
        // which signIn has just linked, never by the email the provider sends this time.
        const row =
          account?.provider === "oidc"
            ? await db().user.findUnique({ where: { oidcSubject: account.providerAccountId } })
            : await db().user.findUnique({ where: { id: user.id } });
        if (row) {
          // The password path recorded its own sign-in, with the attempt it throttled.
          if (account?.provider === "oidc") await recordAccountEvent(db(), { kind: "SIGN_IN", userId: row.id, email: row.email, method: "oidc" });
          token.uid = row.id;
          token.sv = row.sessionVersion;
          token.email = row.email;
          token.name = row.name;
          token.via = account?.provider ?? "password";
        }
      }
      return token;
    },
    session: async ({ session, token }) => {
      session.user = { ...session.user, email: token.email ?? null, name: token.name ?? null };
      return session;
    },
  },
};
