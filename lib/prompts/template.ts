/**
 * Prompt templates: `{{name}}` marks a variable (spaces inside the braces are allowed). Rendering
 * is a single pass, so a value that itself holds `{{...}}` is inserted as it is, never expanded:
 * what an end user typed cannot pull in another variable. Safe for the browser.
 */

/** A variable's name: a letter or underscore, then letters, digits, underscores, dots or dashes. */
const VARIABLE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Every variable the texts use, each once, in the order they first appear. */
export function extractVariables(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(VARIABLE)) seen.add(m[1]);
  return [...seen];
}

/** Raised when a template uses variables that were given no value; names all of them. */
export class MissingVariablesError extends Error {
  constructor(readonly names: string[]) {
    super(`Missing ${names.length === 1 ? "a value" : "values"} for ${names.map((n) => `{{${n}}}`).join(", ")}.`);
    this.name = "MissingVariablesError";
  }
}

/** The text with each variable replaced by its value; throws MissingVariablesError naming every variable without one. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return renderAll([text], values)[0];
}

/** Renders several texts against the same values; a missing variable anywhere fails the whole set, naming them all. */
export function renderAll(texts: readonly string[], values: Readonly<Record<string, string>>): string[] {
  const missing = extractVariables(texts).filter((name) => !Object.hasOwn(values, name));
  if (missing.length) throw new MissingVariablesError(missing);
  return texts.map((text) => fillVariables(text, values));
}

/** The text with each variable that has a value replaced by it, and every other left as written; same single pass. */
export function fillVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (all, name: string) => (Object.hasOwn(values, name) ? values[name] : all));
}
