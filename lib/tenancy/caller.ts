import crypto from "node:crypto";

/** Who is calling and from where, as read from the request by the session layer. */
export type Caller = {
  userId: string | null;
  sessionVersion: number | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
};

/** Reads the request's origin details from its headers. */
export function requestDetails(headers: Headers): Pick<Caller, "ip" | "userAgent" | "requestId"> {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: headers.get("x-request-id") || crypto.randomUUID(),
  };
}
