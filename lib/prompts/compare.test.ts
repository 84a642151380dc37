import { describe, expect, it } from "vitest";
import { compareVersions } from "./compare";
import type { PromptContent } from "./schemas";

const version = (content: Partial<PromptContent>, endpointName: string | null = "chat") => ({
  content: { system: "", messages: [], parameters: {}, ...content },
  endpointName,
});

describe("compareVersions", () => {
  it("compares the endpoint, the system prompt, each message by its place and the parameters", () => {
    const sections = compareVersions(
      version({ system: "Be kind.", messages: [{ role: "user", content: "Hi {{name}}" }], parameters: { temperature: 0.2, max_tokens: 10 } }),
      version(
        { system: "Be kind.", messages: [{ role: "user", content: "Hello {{name}}" }, { role: "assistant", content: "Hey" }], parameters: { max_tokens: 10, temperature: 0.9 } },
        "chat-2",
      ),
    );
    expect(sections.map((s) => [s.title, s.changed])).toEqual([
      ["Target endpoint", true],
      ["System prompt", false],
      ["Message 1", true],
      ["Message 2", true],
      ["Parameters", true],
    ]);
    const message1 = sections[2].rows;
    expect(message1[0]).toMatchObject({ kind: "same", left: { text: "[user]" } });
    expect(message1[1]).toMatchObject({ kind: "changed", left: { text: "Hi {{name}}" }, right: { text: "Hello {{name}}" } });
    expect(sections[3].rows.every((r) => r.left === null)).toBe(true);
    // Only the temperature line differs: keys are compared in one order whatever order they were saved in.
    const parameters = sections[4].rows.filter((r) => r.kind !== "same");
    expect(parameters).toEqual([{ kind: "changed", left: { line: 3, text: '  "temperature": 0.2' }, right: { line: 3, text: '  "temperature": 0.9' } }]);
  });

  it("finds nothing changed between a version and its restored copy", () => {
    const v = version({ system: "S", messages: [{ role: "user", content: "U" }], parameters: { seed: 1 } });
    expect(compareVersions(v, structuredClone(v)).every((s) => !s.changed)).toBe(true);
  });

  it("compares long messages within one budget for the whole pair, so opening a diff costs a bounded time", () => {
    // 25 messages of 2,000 one-letter lines, every other line kept: each alone fits MAX_CELLS, and
    // comparing all of them minimally took 1.8 s of the server's thread.
    const lines = (a: string, b: string) => Array.from({ length: 2_000 }, (_, i) => (i % 2 ? a : b)).join("\n");
    const many = (a: string, b: string) => version({ messages: Array.from({ length: 25 }, () => ({ role: "user" as const, content: lines(a, b) })) });
    const started = performance.now();
    const sections = compareVersions(many("a", "b"), many("b", "c"));
    const message = (n: number) => sections.find((s) => s.title === `Message ${n}`)!.rows;
    // The first message gets the minimal diff (its shared "b" lines stay side by side); once the
    // budget is spent, later ones are shown whole as removed and added, which is still correct.
    expect(message(1).some((r) => r.kind === "same" && r.left?.text === "[user]")).toBe(true);
    expect(message(1).filter((r) => r.kind === "same").length).toBeGreaterThan(900);
    expect(message(25).filter((r) => r.kind === "same")).toEqual([expect.objectContaining({ left: { line: 1, text: "[user]" } })]);
    expect(message(25).filter((r) => r.kind !== "same")).toHaveLength(2_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
