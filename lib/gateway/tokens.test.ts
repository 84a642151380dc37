import { describe, expect, it } from "vitest";
import type { ChatBody } from "./schemas";
import { estimateChatUsage, readUsage } from "./tokens";

describe("readUsage", () => {
  it("takes OpenAI's usage, completion tokens optional", () => {
    expect(readUsage({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(readUsage({ prompt_tokens: 5 })).toEqual({ inputTokens: 5, outputTokens: 0 });
    expect(readUsage(null)).toBeNull();
  });

  it("ignores counts that would give back budget or rate limit: negative, fractional, absurd", () => {
    for (const usage of [
      { prompt_tokens: -1_000_000, completion_tokens: 1 },
      { prompt_tokens: 5, completion_tokens: -3 },
      { prompt_tokens: 1.5, completion_tokens: 1 },
      { prompt_tokens: 1e308, completion_tokens: 0 },
      // Past the record's 32-bit column: the insert would fail the whole batch.
      { prompt_tokens: 2 ** 31, completion_tokens: 0 },
      { prompt_tokens: 1, completion_tokens: 3e9 },
      { prompt_tokens: "5", completion_tokens: 1 },
    ]) {
      expect(readUsage(usage), JSON.stringify(usage)).toBeNull();
    }
  });
});

describe("estimateChatUsage", () => {
  const body = (extra: Partial<ChatBody> = {}): ChatBody => ({ model: "m", messages: [{ role: "user", content: "abcdefghij" }], ...extra });

  it("counts the caller's cap times n", () => {
    expect(estimateChatUsage(body({ max_tokens: 100, n: 3 }))).toMatchObject({ maxOutputTokens: 300, choices: 3 });
    expect(estimateChatUsage(body())).toMatchObject({ maxOutputTokens: null, choices: 1 });
  });

  it("counts the version's defaults where the caller sent no value, as the provider receives them", () => {
    expect(estimateChatUsage(body({ max_tokens: 100 }), { n: 20 })).toMatchObject({ maxOutputTokens: 2000, choices: 20 });
    expect(estimateChatUsage(body(), { max_completion_tokens: 50, n: 2 })).toMatchObject({ maxOutputTokens: 100, choices: 2 });
    // The caller's own value wins, even null (no cap), which the provider then gets.
    expect(estimateChatUsage(body({ n: 1, max_tokens: null }), { n: 20, max_tokens: 10 })).toMatchObject({ maxOutputTokens: null, choices: 1 });
    // With both caps sent, the larger is what may be used.
    expect(estimateChatUsage(body({ max_tokens: 10 }), { max_completion_tokens: 4000 })).toMatchObject({ maxOutputTokens: 4000 });
    // Defaults that are not counts are not trusted to lower anything.
    expect(estimateChatUsage(body(), { n: "lots", max_tokens: -5 })).toMatchObject({ maxOutputTokens: null, choices: 1 });
  });
});
