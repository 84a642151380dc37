import type { KeelConfig } from "@/lib/config";

/**
 * The settings the console's side (Next's bundle, NextAuth) reads from the environment. Set before
 * Next loads, in the process that runs it; a console child process inherits them.
 */
export function exportConsoleEnvironment(config: KeelConfig): void {
  process.env.KEEL_MASTER_KEY = config.masterKey;
  process.env.NEXTAUTH_SECRET = config.authSecret;
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  process.env.KEEL_PUBLIC_URL ??= config.publicUrl;
  process.env.KEEL_AUDIT_SIGNING_KEY = config.auditSigningKey;
  process.env.KEEL_OUTBOUND_ALLOW = config.outboundAllow;
}
