import type { PromptContent, PromptMessage } from "@/lib/prompts/schemas";

/** A message being edited; `key` keeps React's rows stable while messages move. */
export type EditorMessage = PromptMessage & { key: number };

export type ResponseFormatChoice = "" | "text" | "json_object" | "json_schema";

/** The editor's fields as typed: numbers stay text until the server parses them, so what was typed is never lost. */
export type EditorState = {
  system: string;
  messages: EditorMessage[];
  temperature: string;
  topP: string;
  maxTokens: string;
  seed: string;
  /** One stop sequence per line, with \n for a line break inside one (see escapeStop). */
  stop: string;
  format: ResponseFormatChoice;
  schemaName: string;
  schemaText: string;
  strict: boolean;
  endpoint: string;
  note: string;
};

let nextKey = 1;
/** A new message row. */
export const newMessage = (role: PromptMessage["role"] = "user", content = ""): EditorMessage => ({ key: nextKey++, role, content });

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

/** The editor filled in from a version (to edit it into the next one), or empty for a new prompt. */
export function stateFrom(version: { content: PromptContent; endpointName: string | null } | null): EditorState {
  const p = version?.content.parameters ?? {};
  const format = p.response_format;
  const schema = format?.type === "json_schema" ? format.json_schema : null;
  return {
    system: version?.content.system ?? "",
    messages: version ? version.content.messages.map((m) => newMessage(m.role, m.content)) : [newMessage()],
    temperature: text(p.temperature),
    topP: text(p.top_p),
    maxTokens: text(p.max_tokens),
    seed: text(p.seed),
    stop: (p.stop ?? []).map(escapeStop).join("\n"),
    format: format?.type ?? "",
    schemaName: schema?.name ?? "",
    schemaText: schema ? JSON.stringify(schema.schema, null, 2) : "",
    strict: schema?.strict ?? false,
    endpoint: version?.endpointName ?? "",
    note: "",
  };
}

/** What the editor sends to createPrompt or savePromptVersion (besides the tenant and the prompt). */
export function inputFrom(s: EditorState) {
  const responseFormat =
    s.format === "json_schema"
      ? { type: "json_schema", json_schema: { name: s.schemaName, schema: s.schemaText, ...(s.strict ? { strict: true } : {}) } }
      : s.format
        ? { type: s.format }
        : undefined;
  return {
    system: s.system,
    messages: s.messages.map(({ role, content }) => ({ role, content })),
    parameters: {
      temperature: s.temperature,
      top_p: s.topP,
      max_tokens: s.maxTokens,
      seed: s.seed,
      stop: s.stop.split("\n").filter((line) => line !== "").map(unescapeStop),
      response_format: responseFormat,
    },
    endpoint: s.endpoint,
    note: s.note,
  };
}

/** Field errors from the server, read by path: `at("parameters.temperature")`, or every error under a path with `under`. */
export function errorReader(fieldErrors: Record<string, string[]> | undefined) {
  const all = fieldErrors ?? {};
  return {
    at: (path: string) => all[path],
    under: (path: string) => {
      const found = Object.entries(all).filter(([k]) => k === path || k.startsWith(`${path}.`)).flatMap(([, v]) => v);
      return found.length ? found : undefined;
    },
  };
}

/**
 * Stop sequences are often line breaks ("\n\n"), which a one-per-line box cannot hold as they are:
 * there they are written \n (and a backslash \\), and turned back when sent.
 */
export const escapeStop = (stop: string) => stop.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
export const unescapeStop = (line: string) => line.replace(/\\(\\|n)/g, (_m, c: string) => (c === "n" ? "\n" : "\\"));
