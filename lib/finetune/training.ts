/**
 * A fine-tuning training file as OpenAI's chat fine-tuning takes it: JSONL, one example per line,
 * each `{"messages": [{role, content}, …]}` ending in an assistant turn. Checked before upload, so a
 * bad file is refused in the console with its line, not by the provider minutes later.
 */
/** As large as a server action's body may be (next.config.ts), with room for the other fields. */
export const MAX_TRAINING_CHARS = 5_000_000;
export const MAX_EXAMPLES = 100_000;
const ROLES = new Set(["system", "user", "assistant", "tool"]);

export class TrainingFileError extends Error {}

/** The number of examples, or a TrainingFileError naming the first bad line. */
export function checkTrainingFile(text: string): number {
  if (text.length > MAX_TRAINING_CHARS) throw new TrainingFileError(`The file is larger than ${MAX_TRAINING_CHARS.toLocaleString("en-US")} characters.`);
  let examples = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let value: { messages?: unknown };
    try {
      value = JSON.parse(lines[i]);
    } catch {
      throw new TrainingFileError(`Line ${i + 1} is not JSON.`);
    }
    const messages = value?.messages;
    if (!Array.isArray(messages) || messages.length < 2) throw new TrainingFileError(`Line ${i + 1}: an example is {"messages": [...]} with at least two turns.`);
    for (const [j, m] of messages.entries()) {
      const msg = m as { role?: unknown; content?: unknown };
      if (!ROLES.has(String(msg?.role)) || typeof msg.content !== "string") throw new TrainingFileError(`Line ${i + 1}: message ${j + 1} needs a role and text content.`);
    }
    if ((messages[messages.length - 1] as { role: string }).role !== "assistant") throw new TrainingFileError(`Line ${i + 1}: the last message must be the assistant's, the answer to learn.`);
    if (++examples > MAX_EXAMPLES) throw new TrainingFileError(`The file holds more than ${MAX_EXAMPLES.toLocaleString("en-US")} examples.`);
  }
  if (examples === 0) throw new TrainingFileError("The file holds no examples.");
  return examples;
}
