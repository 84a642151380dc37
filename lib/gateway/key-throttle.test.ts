import { describe, expect, it } from "vitest";
import { addressKey } from "@/lib/net/client-address";
import { KeyThrottle } from "./key-throttle";

describe("KeyThrottle", () => {
  it("refuses an address past its failures until the window slides by, with retry-after", () => {
    const throttle = new KeyThrottle({ maxFailures: 3, windowMs: 60_000, maxAddresses: 100 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      throttle.check("198.51.100.7", t0);
      throttle.fail("198.51.100.7", t0);
    }
    expect(() => throttle.check("198.51.100.7", t0 + 1)).toThrow(expect.objectContaining({ status: 429, code: "rate_limit_exceeded" }));
    try {
      throttle.check("198.51.100.7", t0 + 1);
    } catch (error) {
      expect(Number((error as { headers: Record<string, string> }).headers["retry-after"])).toBe(60);
    }
    // Another address is not affected.
    throttle.check("198.51.100.8", t0 + 1);
    // Halfway into the next window, half of the last window's 3 failures still count: 1.5 < 3.
    throttle.check("198.51.100.7", t0 + 90_000);
    // Two windows on, nothing counts.
    throttle.check("198.51.100.7", t0 + 120_000);
  });

  it("remembers a bounded number of addresses, however many send wrong keys", () => {
    const throttle = new KeyThrottle({ maxFailures: 3, windowMs: 60_000, maxAddresses: 100 });
    for (let i = 0; i < 10_000; i++) throttle.fail(`10.0.${i >> 8}.${i & 255}`, 1_000 + i);
    expect(throttle.size).toBeLessThanOrEqual(100);
  });

  it("counts IPv6 callers per /64 and mapped IPv4 as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(addressKey("203.0.113.5")).toBe("203.0.113.5");
  });
});
