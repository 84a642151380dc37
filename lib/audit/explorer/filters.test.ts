import { describe, expect, it } from "vitest";
import { parseExplorerParams } from "./filters";

describe("the explorer's end-user filter", () => {
  const endUser = (user: string) => {
    const parsed = parseExplorerParams({ user });
    return parsed.ok ? parsed.filters.endUser : "refused";
  };

  it("takes an end user as the gateway records one: untrimmed, up to 256 code points", () => {
    expect(endUser(" alice ")).toBe(" alice ");
    expect(endUser("😀".repeat(256))).toBe("😀".repeat(256));
    expect(endUser("😀".repeat(257))).toBe("refused");
    expect(endUser("")).toBeUndefined();
  });

  it("refuses control characters and lone surrogates, wherever they are", () => {
    expect(endUser("a\u0000")).toBe("refused");
    expect(endUser("a\ud800")).toBe("refused");
    // A lookahead with `.` stopped at a line separator and let the surrogate after it through.
    expect(endUser("\u2028\ud800")).toBe("refused");
    expect(endUser("x\u2029\udc00")).toBe("refused");
    expect(endUser("a\u2028b")).toBe("a\u2028b");
  });
});
