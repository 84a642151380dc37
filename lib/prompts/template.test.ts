import { describe, expect, it } from "vitest";
import { MissingVariablesError, extractVariables, fillVariables, renderAll, renderTemplate } from "./template";

describe("extractVariables", () => {
  it("finds each variable once, in order of first use, across texts, with spaces inside the braces allowed", () => {
    expect(extractVariables(["Hello {{name}}, about {{ topic }}.", "Again {{name}} and {{user.city}} and {{a-b}}"])).toEqual(["name", "topic", "user.city", "a-b"]);
  });

  it("ignores what is not a variable: single braces, empty braces, names starting with a digit", () => {
    expect(extractVariables(["{name} {{}} {{ }} {{1st}} {{ two words }}"])).toEqual([]);
  });

  it("reads braces nested or run together as the innermost variable, and stays linear on braces that never close", () => {
    expect(extractVariables(["{{{{a}}}} {{ {{b}} }} {{c}}}} {{{d}}"])).toEqual(["a", "b", "c", "d"]);
    expect(renderTemplate("{{{{a}}}}", { a: "x" })).toBe("{{x}}");
    const started = performance.now();
    for (const text of [`{{${" ".repeat(31_000)}`, `{{a${" ".repeat(31_000)}`, "{{a".repeat(10_000), "{{ a.".repeat(6_000)]) expect(extractVariables([text])).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("renderTemplate", () => {
  it("replaces every use of each variable", () => {
    expect(renderTemplate("{{a}} and {{ a }} then {{b}}", { a: "x", b: "y" })).toBe("x and x then y");
  });

  it("inserts values as they are: a value holding {{...}} is never expanded", () => {
    expect(renderTemplate("Say {{text}}", { text: "{{secret}}", secret: "leaked" })).toBe("Say {{secret}}");
  });

  it("keeps $ patterns in values literally", () => {
    expect(renderTemplate("cost: {{price}}", { price: "$& $1 $$" })).toBe("cost: $& $1 $$");
  });

  it("accepts an empty string as a value, and ignores values no variable uses", () => {
    expect(renderTemplate("[{{a}}]", { a: "", unused: "z" })).toBe("[]");
  });

  it("names every missing variable, across all texts, in a clear error", () => {
    let error: unknown;
    try {
      renderAll(["Hi {{name}}", "{{city}} and {{name}} and {{known}}"], { known: "k" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).names).toEqual(["name", "city"]);
    expect((error as Error).message).toBe("Missing values for {{name}}, {{city}}.");
    expect(() => renderTemplate("{{x}}", {})).toThrow("Missing a value for {{x}}.");
  });

  it("does not take a value from Object.prototype", () => {
    expect(() => renderTemplate("{{toString}}", {})).toThrow(MissingVariablesError);
  });
});

describe("fillVariables", () => {
  it("fills the variables it has values for and leaves the others as written, spaces included", () => {
    expect(fillVariables("Hi {{name}} from {{ city }}, {{name}}!", { name: "Ada" })).toBe("Hi Ada from {{ city }}, Ada!");
  });

  it("inserts values as they are, in one pass, and takes none from Object.prototype", () => {
    expect(fillVariables("{{a}} {{b}} {{toString}}", { a: "{{b}}", b: "$&" })).toBe("{{b}} $& {{toString}}");
  });
});
