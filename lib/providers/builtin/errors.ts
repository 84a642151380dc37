/** Why a built-in model could not answer: `unavailable` (files missing or corrupt) or `busy` (queue full). */
export class BuiltinModelError extends Error {
  constructor(
    readonly reason: "unavailable" | "busy",
    message: string,
  ) {
    super(message);
  }
}
