import { queryOptions } from "@tanstack/react-query";
import { checkJsonSchema, type JsonSchemaCheck } from "@/lib/playground/json-schema";
import type { ParamsForm } from "./column-state";

/** Waits this long after the last keystroke before asking the server; a keystroke sooner cancels the wait. */
const TYPING_PAUSE_MS = 250;

function pause(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/**
 * The check of one schema text, shared by the editor that shows it and the Run button that waits
 * for it. Each text is its own query, so typing moves to a new one and react-query cancels the
 * old one's pause: only a text left alone for a moment is checked.
 */
export function schemaCheckQuery(text: string, enabled: boolean) {
  return queryOptions({
    queryKey: ["playground", "json-schema", text],
    queryFn: async ({ signal }): Promise<JsonSchemaCheck> => {
      await pause(TYPING_PAUSE_MS, signal);
      return checkJsonSchema(text);
    },
    enabled,
    staleTime: Infinity,
    retry: 1,
  });
}

/** Where a column's response schema stands: not needed, still being checked, valid, or what is wrong. */
export type SchemaVerdict = { state: "none" } | { state: "checking" } | { state: "ok"; schema: Record<string, unknown> } | { state: "invalid"; error: string };

export function schemaVerdict(form: ParamsForm, result: { data?: JsonSchemaCheck; isError: boolean }): SchemaVerdict {
  if (form.format !== "json_schema") return { state: "none" };
  if (result.data) return result.data.ok ? { state: "ok", schema: result.data.schema } : { state: "invalid", error: result.data.error };
  if (result.isError) return { state: "invalid", error: "The schema could not be checked; try again in a moment." };
  return { state: "checking" };
}
