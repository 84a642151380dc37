/**
 * Text PostgreSQL cannot store: it refuses the NUL character in text columns and inside JSON, and
 * a half of a UTF-16 surrogate pair is no character at all (JSON gets it as a bare escape, which
 * jsonb refuses). Saving either failed deep in the database, as "Something went wrong"; checked
 * with the other fields instead, it is an error that says what is wrong. Safe for the browser.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why the text cannot be stored, as the end of a sentence ("… holds a NUL character"), or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes("\u0000")) return "holds a NUL character (\\u0000), which cannot be stored";
  if (LONE_SURROGATE.test(text)) return "holds half of a surrogate pair, which is not a character";
  return null;
}
