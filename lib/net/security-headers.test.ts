import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("securityHeaders", () => {
  it("forbids framing, plugins and foreign scripts on the console", () => {
    const h = securityHeaders({ publicUrl: "http://localhost:3000", dev: false });
    const csp = h["content-security-policy"];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'unsafe-inline'(;|$)/);
    expect(csp).not.toContain("unsafe-eval");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("sends HSTS only when Keel is served over https", () => {
    expect(securityHeaders({ publicUrl: "http://keel.internal", dev: false })["strict-transport-security"]).toBeUndefined();
    expect(securityHeaders({ publicUrl: "https://keel.example", dev: false })["strict-transport-security"]).toMatch(/max-age=\d+/);
  });

  it("lets a sign-in form post on to the single sign-on issuer and nowhere else", () => {
    const csp = securityHeaders({ publicUrl: "https://keel.example", dev: false, oidcIssuer: "https://id.example/realms/x" })["content-security-policy"];
    expect(csp).toContain("form-action 'self' https://id.example;");
  });
});
