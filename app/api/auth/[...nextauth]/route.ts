import NextAuth from "next-auth";
import { withAccountOrigin } from "@/lib/auth/account-events";
import { authOptions } from "@/lib/auth/options";

const nextAuth = NextAuth(authOptions);

/** next-auth's routes, each run with its request's origin at hand for the account's history. */
function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return withAccountOrigin(req.headers, () => nextAuth(req, ctx));
}

export { handler as GET, handler as POST };
