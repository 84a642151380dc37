import type { ParametersForm } from "@/lib/prompts/parameters-form";
import type { PlaygroundEndpoint } from "@/lib/playground/schemas";

/** One column of the comparison: what it runs against and with which parameters (the prompt library's form). */
export type Column = { id: string; endpointId: string; versionId: string | null; form: ParametersForm };

export const MAX_COLUMNS = 3;

/** The endpoint a new column starts on: the first one that answers. */
export function defaultEndpointId(endpoints: PlaygroundEndpoint[]): string {
  return (endpoints.find((e) => !e.disabled && e.activeVersionId) ?? endpoints[0])?.id ?? "";
}
