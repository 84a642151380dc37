import { describe, expect, it } from "vitest";
import { costCsv, csvCell } from "./cost-csv";

describe("cost CSV", () => {
  it("keeps names from becoming formulas or breaking rows", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(-3)).toBe("-3");
    // Opened with a semicolon list separator, a row splits at ";" even inside quotes: what follows one must not start a formula.
    expect(csvCell("x;=HYPERLINK(\"http://evil\")")).toBe(`"x;'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("ops; @SUM(1)")).toBe(`"ops;' @SUM(1)"`);
    expect(csvCell("a\t+1")).toBe("a\t'+1");
    expect(csvCell("team;ops")).toBe('"team;ops"');
  });

  it("writes every group and the total with eight decimals", () => {
    const total = { id: "", name: "Total", requests: 3, inputTokens: 30, outputTokens: 9, cost: "0.00000003" };
    const csv = costCsv("key", { rows: [{ ...total, id: "k1", name: "app", requests: 3 }], total });
    expect(csv.split("\r\n")).toEqual(["key,name,requests,input_tokens,output_tokens,cost_usd", "k1,app,3,30,9,0.00000003", "total,Total,3,30,9,0.00000003", ""]);
  });
});
