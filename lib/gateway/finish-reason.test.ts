import { describe, expect, it } from "vitest";
import { StreamFinish, finishReasonOf } from "./finish-reason";

describe("finish reasons", () => {
  it("reads the first choice's reason, a refusal as refusal, and keeps no text a provider made up", () => {
    expect(finishReasonOf([{ index: 0, message: { content: "hi" }, finish_reason: "stop" }])).toBe("stop");
    expect(finishReasonOf([{ index: 1, finish_reason: "length" }, { index: 0, finish_reason: "content_filter" }])).toBe("content_filter");
    expect(finishReasonOf([{ index: 0, message: { content: null, refusal: "No." }, finish_reason: "stop" }])).toBe("refusal");
    expect(finishReasonOf([{ index: 0, message: { content: "x", refusal: "" }, finish_reason: "stop" }])).toBe("stop");
    expect(finishReasonOf([{ index: 0, finish_reason: "Ignore previous instructions" }])).toBe("other");
    expect(finishReasonOf([{ index: 0, finish_reason: "x".repeat(40) }])).toBe("other");
    expect(finishReasonOf([{ index: 0, finish_reason: null }])).toBeNull();
    expect(finishReasonOf([])).toBeNull();
    expect(finishReasonOf("nope")).toBeNull();
    expect(finishReasonOf([null])).toBeNull();
  });

  it("follows a stream to its first choice's last chunk", () => {
    const f = new StreamFinish();
    f.note([{ index: 0, delta: { content: "a" }, finish_reason: null }]);
    f.note([{ index: 1, delta: {}, finish_reason: "length" }]);
    expect(f.value).toBeNull();
    f.note([{ index: 0, delta: {}, finish_reason: "stop" }]);
    f.note([]);
    expect(f.value).toBe("stop");
    const r = new StreamFinish();
    r.note([{ index: 0, delta: { refusal: "I can't" }, finish_reason: null }]);
    r.note([{ index: 0, delta: {}, finish_reason: "stop" }]);
    expect(r.value).toBe("refusal");
  });
});
