import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, settleClientAddress } from "./client-address";

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
    expect(settleClientAddress(request("198.51.100.20, "), true)).toBe("10.1.2.3");
  });

  it("counts a hop written with a port by its address, and a hop that is no address as the peer", () => {
    expect(settleClientAddress(request("198.51.100.20:51234"), true)).toBe("198.51.100.20");
    expect(settleClientAddress(request("[2001:db8::7]:443"), true)).toBe("2001:db8::7");
    expect(settleClientAddress(request("[2001:db8::7]"), true)).toBe("2001:db8::7");
    expect(settleClientAddress(request("2001:db8::7"), true)).toBe("2001:db8::7");
    for (const junk of ["unknown", "x".repeat(5000), "1.2.3.4.5", "evil.example", "_hidden"]) {
      const req = request(junk);
      expect(settleClientAddress(req, true), junk.slice(0, 20)).toBe("10.1.2.3");
      expect(req.headers["x-forwarded-for"]).toBe("10.1.2.3");
    }
  });
});

describe("addressKey", () => {
  it("counts IPv6 by its /64 and mapped IPv4 as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey("::ffff:203.0.113.5")).toBe("203.0.113.5");
  });
});
