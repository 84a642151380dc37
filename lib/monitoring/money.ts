/** Dollars as Decimal(…, 8) text to whole 1e-8 dollars, so sums of many costs stay exact. */
export function toUnits(text: string): bigint {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const units = BigInt(whole || "0") * 100_000_000n + BigInt((fraction + "00000000").slice(0, 8));
  return negative ? -units : units;
}

/** Whole 1e-8 dollars back to Decimal text with eight places. */
export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  return `${negative ? "-" : ""}${abs / 100_000_000n}.${(abs % 100_000_000n).toString().padStart(8, "0")}`;
}
