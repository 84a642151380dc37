import type { CostGroup } from "./cost-ranges";
import type { CostReport } from "./costs";

/**
 * A CSV cell: quoted when it holds a comma, quote or line break, and a leading =, +, -, @, tab or
 * carriage return neutralised with a quote mark, so a key or endpoint name cannot become a formula
 * in the spreadsheet that opens the file.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV: one row per group and a final total row, costs with all eight decimals. */
export function costCsv(group: CostGroup, report: Pick<CostReport, "rows" | "total">): string {
  const lines = [[group, "name", "requests", "input_tokens", "output_tokens", "cost_usd"].join(",")];
  for (const r of [...report.rows, { ...report.total, id: "total" }]) {
    lines.push([r.id, r.name, r.requests, r.inputTokens, r.outputTokens, r.cost].map(csvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
