import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { inviteMember } from "@/lib/tenancy/actions";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant, unique } from "@/lib/testing/factories";

// A server action reads its caller through Next's request context; here the headers are the test's.
const request = vi.hoisted(() => ({ cookie: "", requestId: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "session-test", "x-forwarded-for": "198.51.100.20", "x-request-id": request.requestId }),
  cookies: async () => ({ getAll: () => [{ name: "next-auth.session-token", value: request.cookie }] }),
}));
process.env.NEXTAUTH_SECRET = "session-test-secret-session-test";

useTestDatabase();

describe("the console's request id", () => {
  it("stores a caller's plain x-request-id in the audit event, and a new UUID for anything else", async () => {
    const tenant = await seedTenant();
    const { user } = await seedMember(tenant, "OWNER");
    request.cookie = await encode({ token: { uid: user.id, sv: 0, email: user.email }, secret: process.env.NEXTAUTH_SECRET! });
    const cases = [
      ["req-123:abc", "req-123:abc"],
      ["x".repeat(5000), /^[0-9a-f-]{36}$/],
      ["has spaces <and> \"quotes\"", /^[0-9a-f-]{36}$/],
    ] as const;
    for (const [given, stored] of cases) {
      request.requestId = given;
      const r = await inviteMember({ tenant: tenant.slug, email: `rid-${unique()}@example.test`, role: "VIEWER" });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const event = await db().auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, resourceId: r.data.membershipId } });
      expect(event.requestId).toMatch(stored);
      expect(event.ip).toBe("198.51.100.20");
    }
  });
});
