import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/lib/testing/db";
import { TEST_PASSWORD, seedUser } from "@/lib/testing/factories";
import { THROTTLE } from "./throttle";
import { signInWithPassword } from "./sign-in";

useTestDatabase();

describe("password sign-in", () => {
  it("accepts the right password, case-insensitively on the email", async () => {
    const user = await seedUser();
    const signed = await signInWithPassword(user.email.toUpperCase(), TEST_PASSWORD, "192.0.2.1");
    expect(signed.id).toBe(user.id);
  });

  it("says the same thing for an unknown email and a wrong password", async () => {
    const user = await seedUser();
    await expect(signInWithPassword(user.email, "wrong-password", "192.0.2.2")).rejects.toThrow("Email or password is incorrect.");
    await expect(signInWithPassword("nobody@example.test", "wrong-password", "192.0.2.2")).rejects.toThrow("Email or password is incorrect.");
  });

  it("throttles an email after repeated failures, even with the right password", async () => {
    const user = await seedUser();
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      await expect(signInWithPassword(user.email, `wrong-${i}`, `192.0.2.${10 + i}`)).rejects.toThrow(/incorrect/);
    }
    await expect(signInWithPassword(user.email, TEST_PASSWORD, "192.0.2.99")).rejects.toThrow(/Too many failed sign-ins. Try again in \d+ minutes?/);
  });

  it("throttles an address that guesses across many emails", async () => {
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await expect(signInWithPassword(`guess-${i}@example.test`, "wrong", "198.51.100.1")).rejects.toThrow(/incorrect/);
    }
    const user = await seedUser();
    await expect(signInWithPassword(user.email, TEST_PASSWORD, "198.51.100.1")).rejects.toThrow(/Too many/);
    expect((await signInWithPassword(user.email, TEST_PASSWORD, "198.51.100.2")).id).toBe(user.id);
  });
});
