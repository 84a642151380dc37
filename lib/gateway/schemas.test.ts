import { describe, expect, it } from "vitest";
import { END_USER_MAX, chatBodySchema, endUserOf } from "./schemas";

describe("the end user a record keeps", () => {
  it("is the user field's first 256 code points, never half a surrogate pair, and nothing for an empty field", () => {
    expect(endUserOf(undefined)).toBeNull();
    expect(endUserOf("")).toBeNull();
    expect(endUserOf(" alice ")).toBe(" alice ");
    const astral = "😀".repeat(END_USER_MAX + 1);
    expect(endUserOf(astral)).toBe("😀".repeat(END_USER_MAX));
    // 255 one-unit characters then a pair: the pair is the 256th code point and is kept whole.
    expect(endUserOf(`${"a".repeat(255)}😀b`)).toBe(`${"a".repeat(255)}😀`);
    expect(endUserOf(`${"a".repeat(256)}😀`)).toBe("a".repeat(256));
    for (const user of ["x".repeat(300), "é中😀".repeat(200), `${"😀".repeat(100)}${"a".repeat(200)}`]) {
      expect(endUserOf(user)).toBe(Array.from(user).slice(0, END_USER_MAX).join(""));
    }
  });

  it("refuses a user field with a control character or a lone surrogate", () => {
    const body = (user: string) => chatBodySchema.safeParse({ model: "m", messages: [{ role: "user", content: "hi" }], user }).success;
    expect(body("alice\u2028")).toBe(true);
    expect(body("a\u0000b")).toBe(false);
    expect(body("a\ud800")).toBe(false);
    expect(body("\udc00")).toBe(false);
  });
});
