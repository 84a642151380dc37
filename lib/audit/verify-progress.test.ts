import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressFeed, progressMeter, type VerifyProgress } from "./verify-progress";

describe("progressMeter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reports at the start, at most every 100 ms, and at the end with done as the total", () => {
    const reports: VerifyProgress[] = [];
    const meter = progressMeter((p) => reports.push(p), "requests", 10_000);
    for (let i = 0; i < 50; i++) meter.add(100);
    vi.advanceTimersByTime(100);
    meter.add(100);
    meter.add(100);
    meter.finish();
    expect(reports).toEqual([
      { phase: "requests", done: 0, total: 10_000 },
      { phase: "requests", done: 5100, total: 10_000 },
      { phase: "requests", done: 5200, total: 5200 },
    ]);
  });

  it("never reports more done than its total, and outlives a listener that throws", () => {
    const reports: VerifyProgress[] = [];
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const meter = progressMeter((p) => {
      reports.push(p);
      throw new Error("listener bug");
    }, "audit", 1);
    vi.advanceTimersByTime(100);
    meter.add(3);
    meter.finish();
    expect(reports.map((p) => [p.done, p.total])).toEqual([[0, 1], [3, 3], [3, 3]]);
    expect(error).toHaveBeenCalledTimes(3);
    error.mockRestore();
  });
});

describe("ProgressFeed", () => {
  it("tells every listener, and first tells one who joins late where each part stands", () => {
    const feed = new ProgressFeed();
    const early: VerifyProgress[] = [];
    const late: VerifyProgress[] = [];
    feed.subscribe((p) => early.push(p));
    feed.publish({ phase: "audit", done: 0, total: 5 });
    feed.publish({ phase: "audit", done: 5, total: 5 });
    feed.publish({ phase: "requests", done: 10, total: 100 });
    const stop = feed.subscribe((p) => late.push(p));
    expect(late).toEqual([{ phase: "audit", done: 5, total: 5 }, { phase: "requests", done: 10, total: 100 }]);
    feed.publish({ phase: "requests", done: 100, total: 100 });
    stop();
    feed.publish({ phase: "prompts", done: 0, total: 1 });
    expect(late.at(-1)).toEqual({ phase: "requests", done: 100, total: 100 });
    expect(early).toHaveLength(5);
  });
});
