import { saneRequestId } from "@/lib/net/request-id";

/** Who is calling and from where, as read from the request by the session layer. */
export type Caller = {
  userId: string | null;
  sessionVersion: number | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
};

/**
 * Reads the request's origin details from its headers. server.ts settles `x-forwarded-for` to
 * the one address it trusts (lib/net/client-address.ts); the rightmost entry is taken should a
 * list arrive some other way. Other client-set headers (x-real-ip) are never believed.
 */
export function requestDetails(headers: Headers): Pick<Caller, "ip" | "userAgent" | "requestId"> {
  const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return {
    ip: forwarded || null,
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: saneRequestId(headers.get("x-request-id")),
  };
}
