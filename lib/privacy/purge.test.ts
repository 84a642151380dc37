import { describe, expect, it, vi } from "vitest";
import { ContentPurger, purgeExpiredContent } from "./purge";

/** A pool whose DELETE removes up to `batch` of `rows` expired rows per statement. */
function fakePool(rows: number) {
  let left = rows;
  const calls: unknown[][] = [];
  const query = vi.fn(async (config: { values: unknown[] }) => {
    calls.push(config.values);
    const n = Math.min(left, config.values[1] as number);
    left -= n;
    return { rowCount: n };
  });
  return { pool: { query } as never, calls, left: () => left };
}

describe("purgeExpiredContent", () => {
  it("deletes in batches until a batch comes back short, and says how many went", async () => {
    const { pool, calls, left } = fakePool(2500);
    const now = new Date("2027-01-01T00:00:00Z");
    expect(await purgeExpiredContent(pool, now, 1000)).toBe(2500);
    expect(calls).toEqual([[now, 1000], [now, 1000], [now, 1000]]);
    expect(left()).toBe(0);
  });

  it("stops between batches when told to", async () => {
    const { pool, calls } = fakePool(5000);
    expect(await purgeExpiredContent(pool, new Date(), 1000, () => true)).toBe(1000);
    expect(calls).toHaveLength(1);
  });
});

describe("ContentPurger", () => {
  it("purges at start and on its interval, and stop waits for the run under way", async () => {
    vi.useFakeTimers();
    try {
      const { pool, calls } = fakePool(0);
      const purger = new ContentPurger(pool, 60_000);
      purger.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(calls).toHaveLength(2);
      await purger.stop();
      await vi.advanceTimersByTimeAsync(180_000);
      expect(calls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
