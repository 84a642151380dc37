import { describe, expect, it } from "vitest";
import { diffLines, sideBySide } from "./diff";

const ops = (a: string, b: string) => diffLines(a, b).map((o) => `${o.kind === "same" ? " " : o.kind === "added" ? "+" : "-"}${o.text}`);

describe("diffLines", () => {
  it("says nothing changed for equal texts", () => {
    expect(ops("a\nb", "a\nb")).toEqual([" a", " b"]);
  });

  it("finds a changed line in the middle, keeping the lines around it", () => {
    expect(ops("one\ntwo\nthree", "one\n2\nthree")).toEqual([" one", "-two", "+2", " three"]);
  });

  it("finds inserted and deleted lines with the fewest edits (a longest common subsequence)", () => {
    expect(ops("a\nb\nc\nd", "a\nc\nd\ne")).toEqual([" a", "-b", " c", " d", "+e"]);
    expect(ops("x\na\nb", "a\nb\ny")).toEqual(["-x", " a", " b", "+y"]);
  });

  it("treats an empty text as no lines, and CRLF as LF", () => {
    expect(ops("", "a")).toEqual(["+a"]);
    expect(ops("a", "")).toEqual(["-a"]);
    expect(ops("", "")).toEqual([]);
    expect(ops("a\r\nb", "a\nb")).toEqual([" a", " b"]);
  });

  it("still answers, correctly if not minimally, for texts too long to compare line by line", () => {
    const a = Array.from({ length: 2_500 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 2_500 }, (_, i) => `b${i}`).join("\n");
    const result = diffLines(a, b);
    expect(result.filter((o) => o.kind === "removed")).toHaveLength(2_500);
    expect(result.filter((o) => o.kind === "added")).toHaveLength(2_500);
  });
});

describe("sideBySide", () => {
  it("pairs removed and added lines as changed rows, numbering each side on its own", () => {
    const rows = sideBySide(diffLines("keep\nold 1\nold 2\nend", "keep\nnew 1\nend\nextra"));
    expect(rows).toEqual([
      { kind: "same", left: { line: 1, text: "keep" }, right: { line: 1, text: "keep" } },
      { kind: "changed", left: { line: 2, text: "old 1" }, right: { line: 2, text: "new 1" } },
      { kind: "removed", left: { line: 3, text: "old 2" }, right: null },
      { kind: "same", left: { line: 4, text: "end" }, right: { line: 3, text: "end" } },
      { kind: "added", left: null, right: { line: 4, text: "extra" } },
    ]);
  });
});
