import type { IncomingMessage } from "node:http";

/**
 * Leaves exactly one address in `x-forwarded-for`, the one Keel records and throttles by: the
 * connection's peer, or, behind the operator's own proxy (KEEL_TRUST_PROXY), the rightmost hop,
 * which that proxy appended. Entries to its left are whatever the client chose to send.
 */
export function settleClientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? "";
  let address = peer;
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const joined = Array.isArray(header) ? header.join(",") : (header ?? "");
    const hops = joined.split(",").map((h) => h.trim()).filter(Boolean);
    address = hops.at(-1) ?? peer;
  }
  req.headers["x-forwarded-for"] = address;
  return address;
}

/** The caller's address as settled by `settleClientAddress`, or the peer when nothing settled it. */
export function clientAddress(req: IncomingMessage): string {
  const header = req.headers["x-forwarded-for"];
  return (typeof header === "string" && header) || req.socket.remoteAddress || "";
}
