import type { CostGroup } from "./cost-ranges";
import type { CostReport } from "./costs";

const FORMULA_START = /^[=+\-@\t\r]/;
/** A semicolon or tab that a spreadsheet in another locale splits on, before what would start a formula there. */
const SPLIT_FORMULA = /([;\t])(?=[\s"]*[=+\-@])/g;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break, and a leading =, +, -, @, tab or
 * carriage return neutralised with a quote mark, so a key or endpoint name cannot become a formula
 * in the spreadsheet that opens the file. Spreadsheets set to a semicolon list separator (most of
 * Europe) split a row at ";" whatever the quoting, so a formula after a semicolon (or tab) inside a
 * name is neutralised the same way.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string") {
    text = text.replace(SPLIT_FORMULA, "$1'");
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV: one row per group and a final total row, costs with all eight decimals. */
export function costCsv(group: CostGroup, report: Pick<CostReport, "rows" | "total">): string {
  const lines = [[group, "name", "requests", "input_tokens", "output_tokens", "cost_usd"].join(",")];
  for (const r of [...report.rows, { ...report.total, id: "total" }]) {
    lines.push([r.id, r.name, r.requests, r.inputTokens, r.outputTokens, r.cost].map(csvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
