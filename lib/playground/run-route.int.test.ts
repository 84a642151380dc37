import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as tryRoute } from "@/app/api/t/[tenant]/endpoints/[endpointId]/try/route";
import { POST as runRoute } from "@/app/api/t/[tenant]/playground/run/route";
import { GET as runFiguresRoute } from "@/app/api/t/[tenant]/playground/runs/[requestId]/route";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedMember, seedTenant } from "@/lib/testing/factories";
import { seedEndpoint, seedProvider } from "@/lib/testing/gateway-factories";
import { MAX_ROUTE_BODY_BYTES } from "@/lib/tenancy/route";

/** The playground's routes fed what a browser never sends: bodies too large to hold, ids no row can have. */
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "run-route-test" }),
  cookies: async () => ({ getAll: () => (request.cookie ? [{ name: "next-auth.session-token", value: request.cookie }] : []) }),
}));
process.env.NEXTAUTH_SECRET = "run-route-secret-run-route-secret";

useTestDatabase();

let slug: string;
let endpointId: string;
beforeAll(async () => {
  const tenant = await seedTenant();
  slug = tenant.slug;
  endpointId = (await seedEndpoint(tenant, await seedProvider(tenant))).endpoint.id;
  const { user } = await seedMember(tenant, "DEVELOPER");
  const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
  request.cookie = await encode({ token: { uid: row.id, sv: row.sessionVersion, email: row.email }, secret: process.env.NEXTAUTH_SECRET! });
});

const run = (body: BodyInit, headers: Record<string, string> = {}) =>
  runRoute(new Request(`http://keel.test/api/t/${slug}/playground/run`, { method: "POST", body, headers, duplex: "half" } as RequestInit), { params: Promise.resolve({ tenant: slug }) });

/** A body of `bytes` bytes sent in 1 MB chunks with no length declared, counting how much of it was read. */
function streamed(bytes: number) {
  const sent = { bytes: 0 };
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent.bytes >= bytes) return controller.close();
      sent.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, sent };
}

describe("POST /api/t/[tenant]/playground/run", () => {
  it("refuses a body larger than any run, declared or streamed, without reading it all", async () => {
    const declared = await run("{}", { "content-length": String(MAX_ROUTE_BODY_BYTES + 1) });
    expect(declared.status).toBe(413);
    const { body, sent } = streamed(1024 * 1024 * 1024);
    const res = await run(body);
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toBe("A run's request may hold at most 10 MB.");
    expect(sent.bytes).toBeLessThan(MAX_ROUTE_BODY_BYTES + 4 * 1024 * 1024);
  });

  it("answers 400 naming the field for an id no endpoint or version can have, rather than failing in the database", async () => {
    for (const [field, ids] of [["endpointId", { endpointId: "end\u0000point" }], ["versionId", { endpointId: "e", versionId: "v\u0000" }]] as const) {
      const res = await run(JSON.stringify({ ...ids, messages: [{ role: "user", content: "hi" }] }));
      expect(res.status, field).toBe(400);
      expect((await res.json()).error.fieldErrors, field).toEqual({ [field]: [field === "endpointId" ? "No such endpoint" : "No such version"] });
    }
    const notJson = await run("{not json");
    expect(notJson.status).toBe(400);
  });
});

describe("GET /api/t/[tenant]/playground/runs/[requestId]", () => {
  it("answers 404 for a request id no record can have, rather than failing in the database", async () => {
    for (const requestId of ["\u0000", "x".repeat(500)]) {
      const res = await runFiguresRoute(new Request(`http://keel.test/api/t/${slug}/playground/runs/x`), { params: Promise.resolve({ tenant: slug, requestId }) });
      expect(res.status).toBe(404);
    }
  });
});

describe("POST /api/t/[tenant]/endpoints/[endpointId]/try", () => {
  it("refuses a body larger than any try, streamed, without reading it all", async () => {
    const { body, sent } = streamed(1024 * 1024 * 1024);
    const res = await tryRoute(
      new Request(`http://keel.test/api/t/${slug}/endpoints/${endpointId}/try`, { method: "POST", body, duplex: "half" } as RequestInit),
      { params: Promise.resolve({ tenant: slug, endpointId }) },
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toBe("A try-it request may hold at most 10 MB.");
    expect(sent.bytes).toBeLessThan(MAX_ROUTE_BODY_BYTES + 4 * 1024 * 1024);
  });
});
