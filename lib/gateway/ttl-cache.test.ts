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

  it("forgets the entries a change picks, and only those", async () => {
    const cache = new TtlCache<{ tenant: string; v: number }>(60_000);
    let v = 1;
    const load = (tenant: string) => async () => ({ tenant, v });
    await cache.get("a1", load("a"));
    await cache.get("a2", load("a"));
    await cache.get("b1", load("b"));
    v = 2;
    cache.forget((_key, value) => value.tenant === "a");
    expect((await cache.get("a1", load("a"))).v).toBe(2);
    expect((await cache.get("a2", load("a"))).v).toBe(2);
    expect((await cache.get("b1", load("b"))).v).toBe(1);
  });

  it("does not keep what a load read before a forget: the next get reads again", async () => {
    const cache = new TtlCache<string>(60_000);
    let release: (value: string) => void = () => {};
    const slow = () => new Promise<string>((resolve) => (release = resolve));
    const pending = cache.get("k", slow);
    cache.forget(() => true);
    // The row as it was before the change, arriving after the change was announced.
    release("old");
    expect(await pending).toBe("old");
    expect(await cache.get("k", async () => "new")).toBe("new");
    expect(await cache.get("k", async () => "newer")).toBe("new");
  });
});
