/**
 * Headers every console response carries. The console renders no third-party content, so the
 * policy admits only Keel's own origin; inline scripts stay allowed because Next streams its
 * hydration data in them. Chrome applies form-action to the redirect after a form post, so
 * single sign-on's issuer is admitted there.
 */
export function securityHeaders(opts: { publicUrl: string; dev: boolean; oidcIssuer?: string | null }): Record<string, string> {
  const formTargets = ["'self'", ...(opts.oidcIssuer ? [originOf(opts.oidcIssuer)] : [])].filter(Boolean);
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formTargets.join(" ")}`,
    "frame-ancestors 'none'",
  ].join("; ");
  const headers: Record<string, string> = {
    "content-security-policy": csp,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
  };
  // Only over https: a browser that saw HSTS on plain http would lock a local install out.
  if (opts.publicUrl.startsWith("https://")) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
