import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./callback-url";
import { authOptions } from "./options";
import { saneRequestId } from "@/lib/net/request-id";
import { SIGN_IN_MESSAGES, signInErrorMessage, tooManyAttempts } from "./sign-in-messages";

const ORIGIN = "https://keel.example.com";

describe("the sign-in callbackUrl", () => {
  it.each([
    ["/\\evil.example", "/"],
    ["//evil.example", "/"],
    ["https://evil.example", "/"],
    ["https://evil.example/t/acme", "/"],
    ["\\\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["http://keel.example.com/t/acme", "/"],
    ["https://keel.example.com.evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
  ])("sends %j to %j", (raw, expected) => {
    expect(sameOriginPath(raw, ORIGIN)).toBe(expected);
  });

  it.each([
    ["/t/acme", "/t/acme"],
    ["/t/acme/audit?from=2026-01-01#top", "/t/acme/audit?from=2026-01-01#top"],
    ["https://keel.example.com/t/acme", "/t/acme"],
    ["t/acme", "/t/acme"],
    // Normalises to a path starting "//", which a browser would read as another host.
    ["/.//evil.example", "/evil.example"],
  ])("keeps a same-origin %j as the path %j", (raw, expected) => {
    expect(sameOriginPath(raw, ORIGIN)).toBe(expected);
  });

  it("never returns something a browser reads as another host", () => {
    for (const raw of ["/\\evil.example", "//evil.example", "https://evil.example", "/.//evil.example", "/%2F/evil.example", "/..//evil.example"]) {
      const path = sameOriginPath(raw, ORIGIN);
      expect(new URL(path, ORIGIN).origin, raw).toBe(ORIGIN);
      expect(path.startsWith("//") || path.includes("\\"), raw).toBe(false);
    }
  });
});

describe("next-auth's redirect after sign-in", () => {
  it("lands every foreign callbackUrl on a path of Keel's public origin", async () => {
    process.env.KEEL_PUBLIC_URL = ORIGIN;
    const redirect = authOptions.callbacks!.redirect!;
    for (const url of ["/\\evil.example", "//evil.example", "https://evil.example", "https://evil.example/t/acme"]) {
      expect(await redirect({ url, baseUrl: "https://evil.example" }), url).toBe(`${ORIGIN}/`);
    }
    expect(await redirect({ url: "/t/acme?x=1", baseUrl: ORIGIN })).toBe(`${ORIGIN}/t/acme?x=1`);
    expect(await redirect({ url: `${ORIGIN}/t/acme`, baseUrl: ORIGIN })).toBe(`${ORIGIN}/t/acme`);
  });
});

describe("sign-in error messages", () => {
  it("maps known codes and Keel's own refusals, and nothing else", () => {
    expect(signInErrorMessage("CredentialsSignin")).toBe(SIGN_IN_MESSAGES.incorrect);
    expect(signInErrorMessage("NotInvited")).toMatch(/nobody has invited/);
    expect(signInErrorMessage(SIGN_IN_MESSAGES.incorrect)).toBe(SIGN_IN_MESSAGES.incorrect);
    expect(signInErrorMessage(tooManyAttempts(4))).toBe("Too many failed sign-ins. Try again in 4 seconds.");
    expect(signInErrorMessage(tooManyAttempts(600))).toBe("Too many failed sign-ins. Try again in 10 minutes.");
    for (const raw of ["Your account is locked, call +1 555 0100", "toString", "__proto__", "Too many failed sign-ins. Try again in 5 seconds. Call us."]) {
      expect(signInErrorMessage(raw), raw).toBe(SIGN_IN_MESSAGES.generic);
    }
    expect(signInErrorMessage(undefined)).toBeUndefined();
  });
});

describe("request ids in audit events", () => {
  it("keeps a plain token up to 128 characters and replaces anything else", () => {
    expect(saneRequestId("req_01H:abc@host/x+y=z")).toBe("req_01H:abc@host/x+y=z");
    expect(saneRequestId("a".repeat(128))).toBe("a".repeat(128));
    for (const bad of ["a".repeat(129), "has space", "line\nbreak", "<script>", "", null, undefined]) {
      expect(saneRequestId(bad), String(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
