import bcrypt from "bcryptjs";

const COST = 11;

/** bcrypt hash of a password (a deliberately slow hash). */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password at the same cost as real ones, made once per process. Comparing
 * against it when an email is unknown (or has no password) costs what a real comparison costs,
 * so the time of a refusal does not tell which emails have accounts.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= bcrypt.hash(crypto.randomUUID(), COST);
  return dummy;
}

/** A readable random password, for seeded users (shown once). */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
  return `${chars.slice(0, 6)}-${chars.slice(6, 12)}-${chars.slice(12)}`;
}
