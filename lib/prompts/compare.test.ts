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
});
