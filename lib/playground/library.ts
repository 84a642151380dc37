import { parametersFormFrom, parametersInput, type ParametersForm } from "@/lib/prompts/parameters-form";
import { promptNameSchema, promptVersionNumberSchema, variablesOf, type PromptContent } from "@/lib/prompts/schemas";
import { fillVariables } from "@/lib/prompts/template";
import type { PlaygroundEndpoint } from "./schemas";
import type { ThreadMessage } from "./thread";

/**
 * Where the playground and the prompt library meet: a version opened in the playground (carried by
 * the URL, ?prompt=NAME&version=N&var.NAME=value), and a column saved as a prompt version. Both sides
 * use the library's parameters under OpenAI's names, so nothing is renamed on the way. Safe for the
 * browser.
 */

/** A variable's value travels as ?var.NAME=value. */
const VARIABLE_PARAM = "var.";
/**
 * The longest link "Open in playground" carries values in: the request line counts towards the
 * server's 16 KB header limit together with the session cookie, so long values stay behind.
 */
export const MAX_LINK_CHARS = 6_000;

/** What a link asks the playground to open; `version` null means the newest. */
export type OpenRequest = { name: string; version: number | null; values: Record<string, string> };

/**
 * The playground's link for a version, with the values of the variables the person filled in
 * (blank ones stay out: the text keeps its {{variable}}). When the values would make the link too
 * long they are all left out, and `valuesLeftOut` says so.
 */
export function playgroundHref(tenant: string, prompt: { name: string; version: number }, values: Record<string, string>): { href: string; valuesLeftOut: boolean } {
  const base = new URLSearchParams({ prompt: prompt.name, version: String(prompt.version) });
  const withValues = new URLSearchParams(base);
  for (const [name, value] of Object.entries(values)) if (value !== "") withValues.set(`${VARIABLE_PARAM}${name}`, value);
  const path = `/t/${encodeURIComponent(tenant)}/playground?`;
  const full = path + withValues.toString();
  return full.length <= MAX_LINK_CHARS ? { href: full, valuesLeftOut: false } : { href: path + base.toString(), valuesLeftOut: true };
}

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const quoted = (text: string) => `“${text.length > 80 ? `${text.slice(0, 80)}…` : text}”`;

/** The version a URL asks for; null when it asks for none, else what is wrong with the request. */
export function readOpenRequest(search: Search): { ok: true; request: OpenRequest } | { ok: false; problem: string } | null {
  const name = first(search.prompt);
  if (name === undefined) return null;
  if (!promptNameSchema.safeParse(name).success) return { ok: false, problem: `No prompt named ${quoted(name)} in this tenant.` };
  const rawVersion = first(search.version);
  let version: number | null = null;
  if (rawVersion !== undefined) {
    const parsed = promptVersionNumberSchema.safeParse(rawVersion);
    if (!parsed.success) return { ok: false, problem: `The link asks for version ${quoted(rawVersion)} of ${name}: ${parsed.error.issues[0].message.toLowerCase()}.` };
    version = parsed.data;
  }
  // Built as entries, not by assignment: `values["__proto__"] = v` would set the object's prototype
  // (and drop the value), and {{__proto__}} is as valid a variable name as any.
  const values = Object.fromEntries(
    Object.entries(search)
      .map(([key, value]) => [key, first(value)] as const)
      .filter((entry): entry is readonly [string, string] => entry[0].startsWith(VARIABLE_PARAM) && entry[1] !== undefined && entry[1] !== "")
      .map(([key, v]) => [key.slice(VARIABLE_PARAM.length), v]),
  );
  return { ok: true, request: { name, version, values } };
}

/** A prompt version as the playground opens it: its thread, parameters and endpoint, and what the person should know. */
export type PlaygroundStart = {
  source: { name: string; version: number };
  system: string;
  /** The version's messages, then an empty user message to type in when they do not end with one. */
  thread: ThreadMessage[];
  parameters: ParametersForm;
  /** The first column's endpoint: the version's target, when it is one of the tenant's chat endpoints. */
  endpointId: string | null;
  /** The variables filled in from the link's values; the others stay as written. */
  filled: string[];
  notes: string[];
};

/** The playground's starting state from a version and the values given for its variables. */
export function startFromVersion(
  version: { name: string; version: number; content: PromptContent; endpointName: string | null },
  values: Record<string, string>,
  endpoints: PlaygroundEndpoint[],
): PlaygroundStart {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
  const thread: ThreadMessage[] = version.content.messages.map((m, i) => ({ id: `p${i}`, role: m.role, content: fillVariables(m.content, given) }));
  if (thread.at(-1)?.role !== "user") thread.push({ id: `p${thread.length}`, role: "user", content: "" });
  const endpoint = version.endpointName === null ? undefined : endpoints.find((e) => e.name === version.endpointName);
  const notes: string[] = [];
  if (version.endpointName !== null && !endpoint) {
    notes.push(`Version ${version.version} targets ${version.endpointName}, which is not one of this tenant's chat endpoints now; pick one in the column.`);
  }
  return {
    source: { name: version.name, version: version.version },
    system: fillVariables(version.content.system, given),
    thread,
    parameters: parametersFormFrom(version.content.parameters),
    endpointId: endpoint?.id ?? null,
    filled: variablesOf(version.content).filter((v) => Object.hasOwn(given, v)),
    notes,
  };
}

/**
 * What "Save as prompt" sends to createPrompt or savePromptVersion: the column's thread (without
 * its blank messages, as a run leaves them out), its parameters as the editor sends them, and its
 * endpoint by name.
 */
export function promptInputFromColumn(system: string, thread: ThreadMessage[], parameters: ParametersForm, endpointName: string | null) {
  return {
    system: system.trim() ? system : "",
    messages: thread.filter((m) => m.content.trim() !== "").map(({ role, content }) => ({ role, content })),
    parameters: parametersInput(parameters),
    endpoint: endpointName ?? "",
  };
}
