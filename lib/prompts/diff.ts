/**
 * A small line diff (longest common subsequence) for comparing prompt versions side by side. A
 * prompt's texts are short, so the quadratic table is cheap; past a budget of lines² (MAX_CELLS,
 * shared by every text of one comparison) the middle is shown as removed-then-added rather than
 * spending time on a minimal diff. Safe for the browser.
 */

export type DiffOp = { kind: "same" | "removed" | "added"; text: string };

/** One row of a side-by-side view: the old line on the left, the new on the right, numbered from 1. */
export type DiffRow = {
  kind: "same" | "changed" | "removed" | "added";
  left: { line: number; text: string } | null;
  right: { line: number; text: string } | null;
};

/**
 * Cells of the LCS table one comparison may fill, all its texts together: about 70 ms. Per text it
 * would not bound a page: 25 messages of 2,000 short lines each fit a version's limits and took
 * 1.8 s of the server's thread to compare (measured), for anyone who opened the diff.
 */
export const MAX_CELLS = 4_000_000;

/** What is left of a comparison's cells; diffLines takes from it, so texts compared later may get less. */
export type DiffBudget = { cells: number };

const split = (text: string) => (text === "" ? [] : text.replace(/\r\n/g, "\n").split("\n"));

/** The edits that turn `before` into `after`, line by line, unchanged lines included; `budget` is shared by the texts of one comparison. */
export function diffLines(before: string, after: string, budget: DiffBudget = { cells: MAX_CELLS }): DiffOp[] {
  const a = split(before);
  const b = split(after);
  // Common ends are matched directly: most edits touch a few lines in the middle.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (lines: string[]) => lines.map((text): DiffOp => ({ kind: "same", text }));
  return [...same(a.slice(0, start)), ...diffMiddle(a.slice(start, endA), b.slice(start, endB), budget), ...same(a.slice(endA))];
}

function diffMiddle(a: string[], b: string[], budget: DiffBudget): DiffOp[] {
  const removed = (text: string): DiffOp => ({ kind: "removed", text });
  const added = (text: string): DiffOp => ({ kind: "added", text });
  if (a.length === 0 || b.length === 0 || a.length * b.length > budget.cells) return [...a.map(removed), ...b.map(added)];
  budget.cells -= a.length * b.length;
  // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: "same", text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      ops.push(removed(a[i++]));
    } else {
      ops.push(added(b[j++]));
    }
  }
  return [...ops, ...a.slice(i).map(removed), ...b.slice(j).map(added)];
}

/**
 * The edits as side-by-side rows: a run of removed lines followed by added ones is paired up
 * line by line as "changed", the rest stand alone on their side.
 */
export function sideBySide(ops: readonly DiffOp[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 0;
  let right = 0;
  for (let k = 0; k < ops.length; ) {
    if (ops[k].kind === "same") {
      rows.push({ kind: "same", left: { line: ++left, text: ops[k].text }, right: { line: ++right, text: ops[k].text } });
      k++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    for (; k < ops.length && ops[k].kind !== "same"; k++) (ops[k].kind === "removed" ? removed : added).push(ops[k].text);
    for (let n = 0; n < Math.max(removed.length, added.length); n++) {
      const l = n < removed.length ? { line: ++left, text: removed[n] } : null;
      const r = n < added.length ? { line: ++right, text: added[n] } : null;
      rows.push({ kind: l && r ? "changed" : l ? "removed" : "added", left: l, right: r });
    }
  }
  return rows;
}
