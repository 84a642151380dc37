import { describe, expect, it } from "vitest";
import { durationText } from "./limits";

describe("durationText", () => {
  it("writes durations as OpenAI's x-ratelimit-reset-* headers do", () => {
    expect(durationText(0)).toBe("0ms");
    expect(durationText(350)).toBe("350ms");
    expect(durationText(1000)).toBe("1s");
    expect(durationText(1500)).toBe("1.5s");
    expect(durationText(59_999)).toBe("59.999s");
    expect(durationText(360_000)).toBe("6m0s");
    expect(durationText(61_250)).toBe("1m1.25s");
    expect(durationText(-5)).toBe("0ms");
  });
});
