import { describe, expect, it } from "vitest";
import { createPromptSchema, promptContentSchema, type PromptContent } from "@/lib/prompts/schemas";
import { MAX_LINK_CHARS, playgroundHref, promptInputFromColumn, readOpenRequest, startFromVersion } from "./library";
import type { PlaygroundEndpoint } from "./schemas";

const endpoints: PlaygroundEndpoint[] = [
  { id: "e1", name: "chat", disabled: false, activeVersionId: "v1", versions: [] },
  { id: "e2", name: "chat-2", disabled: false, activeVersionId: "v2", versions: [] },
];

const content: PromptContent = promptContentSchema.parse({
  system: "You greet {{name}} from {{ city }}.",
  messages: [
    { role: "user", content: "Hello, I am {{name}}." },
    { role: "assistant", content: "Hi {{name}}!" },
    { role: "user", content: "Tell me about {{city}}." },
  ],
  parameters: { temperature: 0.3, stop: ["\n\n"], response_format: { type: "json_object" } },
});
const version = { name: "greeting", version: 2, content, endpointName: "chat-2" };

/** Reads a link back as Next hands a page its search params. */
function searchOf(href: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(href, "http://x").searchParams) out[k] = k in out ? [out[k]].flat().concat(v) : v;
  return out;
}

describe("opening a version in the playground", () => {
  it("carries the version and the filled-in values through the link, blank ones left out", () => {
    const { href, valuesLeftOut } = playgroundHref("acme", { name: "greeting", version: 2 }, { name: "Ada & Bob", city: "" });
    expect(href.startsWith("/t/acme/playground?")).toBe(true);
    expect(valuesLeftOut).toBe(false);
    expect(readOpenRequest(searchOf(href))).toEqual({ ok: true, request: { name: "greeting", version: 2, values: { name: "Ada & Bob" } } });
  });

  it("leaves values out when they would make the link too long, and says so", () => {
    const { href, valuesLeftOut } = playgroundHref("acme", { name: "greeting", version: 2 }, { name: "x".repeat(MAX_LINK_CHARS) });
    expect(valuesLeftOut).toBe(true);
    expect(href).toBe("/t/acme/playground?prompt=greeting&version=2");
  });

  it("asks for nothing without ?prompt, the newest version without ?version, and says what is wrong with a bad link", () => {
    expect(readOpenRequest({})).toBeNull();
    expect(readOpenRequest({ prompt: "greeting" })).toEqual({ ok: true, request: { name: "greeting", version: null, values: {} } });
    expect(readOpenRequest({ prompt: "greeting", version: "abc" })).toEqual({ ok: false, problem: "The link asks for version “abc” of greeting: version must be a number." });
    expect(readOpenRequest({ prompt: "greeting", version: "0" })).toMatchObject({ ok: false, problem: expect.stringContaining("versions count from 1") });
    for (const [version, problem] of [["-1", "versions count from 1"], ["1.5", "whole number"], ["99999999999", "no such version"], ["0x10", "must be a number"], ["1e3", "must be a number"], ["", "must be a number"]]) {
      expect(readOpenRequest({ prompt: "greeting", version }), version).toMatchObject({ ok: false, problem: expect.stringContaining(problem) });
    }
    expect(readOpenRequest({ prompt: "greeting", version: "12" })).toMatchObject({ ok: true, request: { version: 12 } });
    expect(readOpenRequest({ prompt: "Not A Name!" })).toEqual({ ok: false, problem: "No prompt named “Not A Name!” in this tenant." });
  });

  it("carries values for variables named like Object's own properties, without touching any prototype", () => {
    const tricky = promptContentSchema.parse({ system: "{{__proto__}} {{constructor}} {{toString}} {{other}}" });
    const given = Object.fromEntries([["__proto__", "p"], ["constructor", "c"], ["toString", "t"]]);
    const { href } = playgroundHref("acme", { name: "tricky", version: 1 }, given);
    const read = readOpenRequest(searchOf(href));
    expect(read).toMatchObject({ ok: true });
    const values = read!.ok ? read!.request.values : {};
    expect(Object.entries(values)).toEqual([["__proto__", "p"], ["constructor", "c"], ["toString", "t"]]);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    const start = startFromVersion({ name: "tricky", version: 1, content: tricky, endpointName: null }, values, endpoints);
    expect(start.system).toBe("p c t {{other}}");
    expect(start.filled).toEqual(["__proto__", "constructor", "toString"]);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it("fills the variables given and leaves the others as written, with the version's parameters and endpoint", () => {
    const start = startFromVersion(version, { name: "Ada" }, endpoints);
    expect(start.system).toBe("You greet Ada from {{ city }}.");
    expect(start.thread.map((m) => [m.role, m.content])).toEqual([
      ["user", "Hello, I am Ada."],
      ["assistant", "Hi Ada!"],
      ["user", "Tell me about {{city}}."],
    ]);
    expect(start.filled).toEqual(["name"]);
    expect(start.endpointId).toBe("e2");
    expect(start.parameters).toMatchObject({ temperature: "0.3", stop: "\\n\\n", format: "json_object" });
    expect(start.notes).toEqual([]);
    expect(new Set(start.thread.map((m) => m.id)).size).toBe(3);
  });

  it("adds an empty user message to type in when the version does not end with one", () => {
    const systemOnly = promptContentSchema.parse({ system: "Be brief." });
    expect(startFromVersion({ ...version, content: systemOnly }, {}, endpoints).thread).toEqual([{ id: "p0", role: "user", content: "" }]);
  });

  it("says so when the version targets an endpoint the tenant no longer has as a chat endpoint", () => {
    const start = startFromVersion({ ...version, endpointName: "gone" }, {}, endpoints);
    expect(start.endpointId).toBeNull();
    expect(start.notes).toEqual([expect.stringContaining("targets gone, which is not one of this tenant's chat endpoints")]);
    expect(startFromVersion({ ...version, endpointName: null }, {}, endpoints)).toMatchObject({ endpointId: null, notes: [] });
  });
});

describe("saving a column as a prompt", () => {
  it("sends what the library stores: the thread without blank messages, the parameters and the endpoint by name", () => {
    const start = startFromVersion(version, {}, endpoints);
    const thread = [...start.thread, { id: "n1", role: "user" as const, content: "   " }];
    const input = promptInputFromColumn(start.system, thread, start.parameters, "chat-2");
    const saved = createPromptSchema.parse({ name: "copy", ...input });
    // Opened and saved again, a version holds what it held.
    expect({ system: saved.system, messages: saved.messages, parameters: saved.parameters }).toEqual(content);
    expect(saved.endpoint).toBe("chat-2");
  });

  it("saves no system prompt when the playground's is blank, and no endpoint when the column has none", () => {
    const input = promptInputFromColumn("  ", [{ id: "a", role: "user", content: "hi" }], startFromVersion(version, {}, endpoints).parameters, null);
    expect(input).toMatchObject({ system: "", endpoint: "" });
  });
});
