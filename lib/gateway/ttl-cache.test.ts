import { afterEach, describe, expect, it, vi } from "vitest";
import { TtlCache } from "./ttl-cache";

afterEach(() => vi.useRealTimers());

describe("TtlCache", () => {
  it("shares one load between concurrent misses", async () => {
    const cache = new TtlCache<number>(1000);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    expect(await Promise.all(Array.from({ length: 50 }, () => cache.get("k", load)))).toEqual(Array(50).fill(42));
    expect(loads).toBe(1);
  });

  it("reloads in the background after half the TTL, and never serves a value older than the TTL", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = new TtlCache<string>(2000);
    let version = "v1";
    let loads = 0;
    const load = async () => {
      loads++;
      return version;
    };
    expect(await cache.get("k", load)).toBe("v1");
    version = "v2";
    vi.setSystemTime(Date.now() + 1500);
    // Stale but within its TTL: answered at once while the reload runs.
    expect(await cache.get("k", load)).toBe("v1");
    expect(loads).toBe(2);
    await Promise.resolve();
    expect(await cache.get("k", load)).toBe("v2");
    version = "v3";
    vi.setSystemTime(Date.now() + 2500);
    // Past its TTL: the caller waits for the database.
    expect(await cache.get("k", load)).toBe("v3");
  });
});
