import type { IncomingMessage } from "node:http";
import net from "node:net";

/**
 * Leaves exactly one address in `x-forwarded-for`, the one Keel records and throttles by: the
 * connection's peer, or, behind the operator's own proxy (KEEL_TRUST_PROXY), the rightmost hop,
 * which that proxy appended. Entries to its left are whatever the client chose to send. A hop
 * with a port (`203.0.113.5:4711`, `[2001:db8::1]:443`, as some proxies write it) counts without
 * it, or every connection would be a caller of its own to the throttles; a hop that is no address
 * at all leaves the peer.
 */
export function settleClientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? "";
  let address = peer;
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const joined = Array.isArray(header) ? header.join(",") : (header ?? "");
    const hop = withoutPort(joined.split(",").at(-1)?.trim() ?? "");
    if (net.isIP(hop)) address = hop;
  }
  req.headers["x-forwarded-for"] = address;
  return address;
}

function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(hop);
  if (bracketed) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(hop);
  return v4 ? v4[1] : hop;
}

/**
 * The address in an `x-forwarded-for` value that `settleClientAddress` left, for code that sees only
 * headers (server actions, next-auth); should a list arrive some other way, its rightmost hop, the
 * one a proxy added, never the leftmost, which the client wrote.
 */
export function settledAddress(header: string | null | undefined): string | null {
  return header?.split(",").at(-1)?.trim() || null;
}

/** The caller's address as settled by `settleClientAddress`, or the peer when nothing settled it. */
export function clientAddress(req: IncomingMessage): string {
  const header = req.headers["x-forwarded-for"];
  return (typeof header === "string" && header) || req.socket.remoteAddress || "";
}

/**
 * What throttles count a caller by: IPv4 as it is (mapped forms unwrapped); IPv6 by its /64 prefix,
 * the block one host usually holds, so that rotating addresses within it gains nothing.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!net.isIPv6(address)) return address;
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
