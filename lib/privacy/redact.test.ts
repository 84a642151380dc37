import { describe, expect, it } from "vitest";
import { luhn, redact } from "./redact";

const same = (text: string) => expect(redact(text)).toEqual({ text, redactions: 0 });

describe("redact: emails", () => {
  it("replaces addresses, plus tags, subdomains and capitals included", () => {
    expect(redact("Mail john.doe+keel@example.co.uk or JANE_X@Mail.Example.COM.")).toEqual({ text: "Mail [EMAIL] or [EMAIL].", redactions: 2 });
    expect(redact("<a@b.io>, mailto:ops-team@corp.internal.net")).toEqual({ text: "<[EMAIL]>, mailto:[EMAIL]", redactions: 2 });
  });

  it("leaves what is not an address", () => {
    for (const text of ["@mention", "user@localhost", "a @ b.com", "price@ 3.50", "1@2.3", "name@domain.c"]) same(text);
  });
});

describe("redact: card numbers", () => {
  it("replaces Luhn-valid numbers of 13 to 19 digits, with spaces or dashes", () => {
    expect(redact("card 4111 1111 1111 1111 please")).toEqual({ text: "card [CARD] please", redactions: 1 });
    expect(redact("4111-1111-1111-1111")).toEqual({ text: "[CARD]", redactions: 1 });
    // Pasted from a formatted page: no-break spaces between the groups.
    expect(redact("card 4111\u00a01111\u00a01111\u00a01111.")).toEqual({ text: "card [CARD].", redactions: 1 });
    expect(redact("visa 4012888888881881, amex 3782 822463 10005, 13 digits 4222222222222")).toEqual({
      text: "visa [CARD], amex [CARD], 13 digits [CARD]",
      redactions: 3,
    });
    expect(luhn("6011000990139424009")).toBe(true);
    expect(redact("19 digits: 6011 0009 9013 9424 009")).toEqual({ text: "19 digits: [CARD]", redactions: 1 });
  });

  it("finds a card followed by its expiry or code, and several cards in a row", () => {
    expect(redact("4111 1111 1111 1111 123")).toEqual({ text: "[CARD] 123", redactions: 1 });
    expect(redact("card 4111 1111 1111 1111 exp 12/26")).toEqual({ text: "card [CARD] exp 12/26", redactions: 1 });
    expect(redact("4111 1111 1111 1111 5500 0000 0000 0004")).toEqual({ text: "[CARD] [CARD]", redactions: 2 });
  });

  it("leaves Luhn-invalid 16-digit numbers alone", () => {
    for (const text of ["4111 1111 1111 1112", "4111111111111112", "1234-5678-9012-3456", "order 1234567812345678"]) {
      expect(luhn(text.replace(/\D/g, "")), text).toBe(false);
      same(text);
    }
  });

  it("leaves numbers too short or too long, and digits inside words, hashes and ids", () => {
    same("411111111111"); // 12 digits
    same("41111111111111111111111"); // 23 digits, no card inside a longer number
    same("sha 9f86d0818844111111111111111abc");
    same("id_4111111111111111");
  });
});

describe("redact: phone numbers", () => {
  it("replaces international numbers", () => {
    expect(redact("call +44 20 7946 0958 or +1 (555) 123-4567 or +33.1.23.45.67.89 or +4915112345678")).toEqual({
      text: "call [PHONE] or [PHONE] or [PHONE] or [PHONE]",
      redactions: 4,
    });
  });

  it("replaces North American and leading-zero national numbers", () => {
    expect(redact("555-123-4567, (555) 123-4567, 555.123.4567, 1-800-555-1234")).toEqual({ text: "[PHONE], [PHONE], [PHONE], [PHONE]", redactions: 4 });
    expect(redact("06 12 34 56 78 / 020 7946 0958 / 0612345678 / 07700 900123")).toEqual({ text: "[PHONE] / [PHONE] / [PHONE] / [PHONE]", redactions: 4 });
  });

  it("finds North American numbers listed one after another, and one in parentheses after a number", () => {
    expect(redact("555-123-4567 555-987-6543 (555) 123-0000 555.222.3333")).toEqual({ text: "[PHONE] [PHONE] [PHONE] [PHONE]", redactions: 4 });
    expect(redact("(555) 123-4567 555-987-6543")).toEqual({ text: "[PHONE] [PHONE]", redactions: 2 });
    expect(redact("option 2 (555) 123-4567")).toEqual({ text: "option 2 [PHONE]", redactions: 1 });
    // After a number that is not a phone number, digits in groups are still left alone.
    same("account 12 345 678 9012");
  });

  it("leaves years, token counts, prices, timestamps, dates, versions and addresses alone", () => {
    for (const text of [
      "In 2024 we used 1234567 tokens, then 12,345,678 tokens",
      "prompt_tokens: 123456789, completion_tokens: 987654321",
      "$1234567.89, €1 234 567, +1234567.89 this quarter",
      "created 1733312345 (unix time)",
      "01.12.2024 10:30, 2024-12-04T10:30:00Z, 12/04/2024",
      "version 1.2.3.4, ip 192.168.100.200, port 5432",
      "555-1234",
      "a list: 1 2 3 4 5 6 7 8 9 10 11",
    ]) same(text);
  });
});

describe("redact: national ids", () => {
  it("replaces US Social Security numbers and UK National Insurance numbers", () => {
    expect(redact("SSN 078-05-1120 or 219 09 9999; NINO AB123456C, JG 10 37 82 D")).toEqual({
      text: "SSN [NATIONAL_ID] or [NATIONAL_ID]; NINO [NATIONAL_ID], [NATIONAL_ID]",
      redactions: 4,
    });
  });

  it("leaves numbers that are never issued, and prefixes never allocated", () => {
    same("666-12-3456 and 923-45-6789");
    same("GB123456A, BG123456A, DA123456A, AO123456A");
    same("AB123456E");
  });
});

describe("redact: mixed text", () => {
  it("counts every replacement and keeps the rest byte for byte", () => {
    const text = "Hi, I'm Ann (ann@example.org, +1 415 555 0100). Card 5555 5555 5555 4444, SSN 078-05-1120. Order #4711 of 3 items, $49.99.";
    expect(redact(text)).toEqual({
      text: "Hi, I'm Ann ([EMAIL], [PHONE]). Card [CARD], SSN [NATIONAL_ID]. Order #4711 of 3 items, $49.99.",
      redactions: 4,
    });
  });

  it("finds values written one after another", () => {
    expect(redact("555-123-4567 4111 1111 1111 1111 078-05-1120 +44 20 7946 0958 a@b.io")).toEqual({
      text: "[PHONE] [CARD] [NATIONAL_ID] [PHONE] [EMAIL]",
      redactions: 5,
    });
  });

  it("leaves text with nothing to redact as it was", () => {
    same("");
    same("Summarise the attached contract in three bullet points.");
    same("Ünïcödé, emoji 🙂 and 中文 stay as they are: 42");
  });
});

describe("redact: hostile input", () => {
  // Each is about 1 MB built to make a backtracking pattern explode; the scan must end (the test's
  // own timeout would fail it) and say nothing is there, or find what is.
  const MB = 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const inert = [
    "a", "a.", "a@", "@a.", "a-", "1", "1 ", "1-", "0 ", "0.", "+1 ", "+", "(555) ", "123-45-", "AB12", "1 2 ", "12 34 ", "x@a.a", "a+b.c-",
  ];
  for (const unit of inert) {
    it(`a megabyte of ${JSON.stringify(unit)} repeated`, () => {
      const text = fill(unit);
      const r = redact(text);
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.text.replace(/\[(EMAIL|PHONE|CARD|NATIONAL_ID)\]/g, "").length).toBeLessThanOrEqual(text.length);
    });
  }

  it("a megabyte of one long address-like run finds nothing", () => {
    same(`x@${fill("a.").slice(0, MB - 10)}1`);
    same(fill("a").slice(0, MB - 1) + "@");
    same(fill("1"));
    same(fill("0 "));
  });

  it("a megabyte of phone numbers one after another finds every one", () => {
    for (const unit of ["555-123-4567 ", "(555) 123-4567 "]) {
      const n = Math.floor(MB / unit.length);
      expect(redact(unit.repeat(n))).toEqual({ text: "[PHONE] ".repeat(n), redactions: n });
    }
  });

  it("a megabyte of real values finds every one", () => {
    const unit = "4111 1111 1111 1111 ann@example.org +44 20 7946 0958 078-05-1120 ";
    const n = Math.floor(MB / unit.length);
    const r = redact(unit.repeat(n));
    expect(r.redactions).toBe(4 * n);
    expect(r.text).toBe("[CARD] [EMAIL] [PHONE] [NATIONAL_ID] ".repeat(n));
  });
});
