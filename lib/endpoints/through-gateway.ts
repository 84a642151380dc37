import { mintConsoleToken, type ConsoleClaims } from "@/lib/gateway/console-token";
import { problem } from "@/lib/tenancy/route";
import { consoleGateway } from "./console-gateway";

/** Headers of the gateway's answer that the console's screens show. */
const PASSED_HEADERS = ["content-type", "x-request-id", "x-keel-model-version"];

/**
 * Sends a console user's request through Keel's own gateway over loopback, as any API call
 * arrives, so it is limited, budgeted, recorded (against the user) and routed exactly like one,
 * and passes the answer on as it streams. The caller has already checked the user's membership
 * and permission; the console token it mints here lives a minute and never reaches the browser.
 */
export async function throughGateway(who: ConsoleClaims, path: "chat/completions" | "embeddings", body: unknown, signal: AbortSignal): Promise<Response> {
  const gateway = consoleGateway();
  if (!gateway) return problem(503, "unavailable", "The gateway is not reachable from the console yet; try again in a moment.");
  const res = await fetch(`${gateway.url}/api/v1/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${mintConsoleToken(who, gateway.secret)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  const headers = new Headers({ "cache-control": "no-cache" });
  for (const name of PASSED_HEADERS) {
    const value = res.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(res.body, { status: res.status, headers });
}
