import { EMPTY_PARAMETERS_FORM, errorsUnder, parametersFormFrom, parametersInput, type ParametersForm } from "@/lib/prompts/parameters-form";
import type { PromptContent, PromptMessage } from "@/lib/prompts/schemas";

/** A message being edited; `key` keeps React's rows stable while messages move. */
export type EditorMessage = PromptMessage & { key: number };

/** The editor's fields as typed: numbers stay text until the server parses them, so what was typed is never lost. */
export type EditorState = {
  system: string;
  messages: EditorMessage[];
  parameters: ParametersForm;
  endpoint: string;
  note: string;
};

let nextKey = 1;
/** A new message row. */
export const newMessage = (role: PromptMessage["role"] = "user", content = ""): EditorMessage => ({ key: nextKey++, role, content });

/** The editor filled in from a version (to edit it into the next one), or empty for a new prompt. */
export function stateFrom(version: { content: PromptContent; endpointName: string | null } | null): EditorState {
  return {
    system: version?.content.system ?? "",
    messages: version ? version.content.messages.map((m) => newMessage(m.role, m.content)) : [newMessage()],
    parameters: version ? parametersFormFrom(version.content.parameters) : EMPTY_PARAMETERS_FORM,
    endpoint: version?.endpointName ?? "",
    note: "",
  };
}

/** What the editor sends to createPrompt or savePromptVersion (besides the tenant and the prompt). */
export function inputFrom(s: EditorState) {
  return {
    system: s.system,
    messages: s.messages.map(({ role, content }) => ({ role, content })),
    parameters: parametersInput(s.parameters),
    endpoint: s.endpoint,
    note: s.note,
  };
}

/** Field errors from the server, read by path: `at("endpoint")`, or every error under a path with `under`. */
export function errorReader(fieldErrors: Record<string, string[]> | undefined) {
  const all = fieldErrors ?? {};
  return {
    at: (path: string) => all[path],
    under: (path: string) => errorsUnder(all, path),
  };
}
