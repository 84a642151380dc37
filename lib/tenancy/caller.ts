import { settledAddress } from "@/lib/net/client-address";
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
 * Reads the request's origin details from its headers: the address server.ts settled (other
 * client-set headers, such as x-real-ip, are never believed) and a sane request id.
 */
export function requestDetails(headers: Headers): Pick<Caller, "ip" | "userAgent" | "requestId"> {
  return {
    ip: settledAddress(headers.get("x-forwarded-for")),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: saneRequestId(headers.get("x-request-id")),
  };
}
