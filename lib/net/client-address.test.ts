import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, settleClientAddress } from "./client-address";

const request = (xff: string | undefined, peer = "10.1.2.3") =>
  ({ headers: xff === undefined ? {} : { "x-forwarded-for": xff }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe("settleClientAddress", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted", () => {
    const req = request("203.0.113.9");
    expect(settleClientAddress(req, false)).toBe("10.1.2.3");
    expect(clientAddress(req)).toBe("10.1.2.3");
  });

  it("behind a trusted proxy takes the hop the proxy appended, not what the client sent", () => {
    const req = request("6.6.6.6, 198.51.100.20");
    expect(settleClientAddress(req, true)).toBe("198.51.100.20");
    expect(req.headers["x-forwarded-for"]).toBe("198.51.100.20");
  });

  it("falls back to the peer when a trusted proxy sent no header", () => {
    expect(settleClientAddress(request(undefined), true)).toBe("10.1.2.3");
  });
});
