import { MAX_CELLS, diffLines, sideBySide, type DiffRow } from "./diff";
import type { PromptContent } from "./schemas";

/** A version as compared: its content and target endpoint. */
export type ComparedVersion = { content: PromptContent; endpointName: string | null };

/** One part of two versions, side by side; `changed` is false when both sides read the same. */
export type CompareSection = { title: string; changed: boolean; rows: DiffRow[] };

/**
 * Two versions part by part: the target endpoint, the system prompt, each message by its place
 * (role and text), and the parameters as indented JSON, so that a changed temperature shows as a
 * changed line. A message only one side has is compared with nothing. The parts share one diff
 * budget, so two versions cost a bounded time to compare however many long messages they hold.
 */
export function compareVersions(before: ComparedVersion, after: ComparedVersion): CompareSection[] {
  const budget = { cells: MAX_CELLS };
  const section = (title: string, a: string, b: string): CompareSection => {
    const rows = sideBySide(diffLines(a, b, budget));
    return { title, changed: rows.some((r) => r.kind !== "same"), rows };
  };
  const sections = [
    section("Target endpoint", before.endpointName ?? "(none)", after.endpointName ?? "(none)"),
    section("System prompt", before.content.system, after.content.system),
  ];
  const count = Math.max(before.content.messages.length, after.content.messages.length);
  for (let i = 0; i < count; i++) {
    const a = before.content.messages[i];
    const b = after.content.messages[i];
    const text = (m: typeof a) => (m ? `[${m.role}]\n${m.content}` : "");
    sections.push(section(`Message ${i + 1}`, text(a), text(b)));
  }
  sections.push(section("Parameters", parametersText(before.content.parameters), parametersText(after.content.parameters)));
  return sections;
}

/** Parameters as indented JSON with their keys in a fixed order, so that only real changes differ. */
export function parametersText(parameters: PromptContent["parameters"]): string {
  return JSON.stringify(sortKeys(parameters), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
