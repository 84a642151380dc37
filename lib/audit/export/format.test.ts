import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, CSV_HEADER, csvColumnsFor, formatRow, parseCsvRow, readCsvRecord, type ExportChange, type ExportRequest } from "./format";

const change: ExportChange = {
  kind: "change", id: "evt1", tenantId: "t1", seq: 7, actorType: "USER", actorId: "u1", actorLabel: "", action: "member.invited",
  resourceType: "membership", resourceId: "m1", before: null, after: { email: "a@x.test", note: 'say "hi", then\nleave', n: 1.5, list: [] },
  ip: null, userAgent: "Mozilla/5.0 (X11; Linux)", requestId: "req_1", createdAt: "2026-12-04T09:00:00.123Z", prevHash: "0".repeat(64), hash: "f".repeat(64),
  head: { keyId: "k1", signature: "c2ln", signedAt: "2026-12-04T09:00:00.124Z" },
};
const request: ExportRequest = {
  kind: "request", id: "req_2~ab12", tenantId: "t1", apiKeyId: null, userId: "u1", endpointId: "e1", endpointName: "=HYPERLINK(\"http://x\")",
  modelVersionId: "v1", route: "chat.completions", stream: true, inputHash: "a".repeat(64), inputTokens: 12, outputTokens: 0, tokensEstimated: false,
  costUsd: "0.00001200", latencyMs: 35, ttftMs: null, status: 502, errorCode: "'quoted", attempts: 2, createdAt: "2026-12-04T09:00:01.000Z", finishReason: "length", routedVersionId: "v0", endUser: "=cmd|' /C calc'!A0", seal: 3,
};

describe("export rows", () => {
  it("come back from CSV exactly as written: nulls apart from empty strings, quotes, commas, newlines, numbers and booleans", () => {
    for (const row of [change, request]) {
      const line = formatRow("csv", row);
      expect(line.endsWith("\r\n")).toBe(true);
      expect(parseCsvRow(readCsvRecord(line, 0).cells)).toEqual(row);
    }
  });

  it("never give a spreadsheet a formula to run, and an apostrophe of the data's own survives", () => {
    const line = formatRow("csv", request);
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line).toContain(`"''quoted"`);
    for (const cell of readCsvRecord(line, 0).cells) expect(cell.value).not.toMatch(/^[=+\-@]/);
  });

  it("come back from JSONL exactly as written", () => {
    for (const row of [change, request]) expect(JSON.parse(formatRow("jsonl", row))).toEqual(row);
  });

  it("name what is wrong with a damaged CSV record", () => {
    const cells = readCsvRecord(formatRow("csv", request), 0).cells;
    expect(() => parseCsvRow(cells.slice(1))).toThrow(/cells where the header has/);
    const bad = cells.map((c, i) => (i === CSV_HEADER.split(",").indexOf("inputTokens") ? { value: "12x", quoted: false } : c));
    expect(() => parseCsvRow(bad)).toThrow("inputTokens is not a whole number");
    expect(() => readCsvRecord('"open', 0)).toThrow("an unterminated quoted cell");
  });

  it("read exports written before records kept their end user, their routed version or their finish reason, and no other header", () => {
    expect(csvColumnsFor(CSV_HEADER)).toBe(CSV_COLUMNS);
    expect(csvColumnsFor("id,kind\r\n")).toBeNull();
    for (const dropped of [["endUser"], ["endUser", "routedVersionId"], ["endUser", "routedVersionId", "finishReason"]]) {
      const earlier = CSV_COLUMNS.filter((c) => !dropped.includes(c.name));
      const columns = csvColumnsFor(`${earlier.map((c) => c.name).join(",")}\r\n`)!;
      expect(columns).toHaveLength(CSV_COLUMNS.length - dropped.length);
      const before: Record<string, unknown> = { ...request };
      for (const name of dropped) delete before[name];
      const cells = readCsvRecord(formatRow("csv", request), 0).cells.filter((_, i) => !dropped.includes(CSV_COLUMNS[i].name));
      expect(parseCsvRow(cells, columns)).toEqual(before);
    }
    // Without the finish reason but with the routed version, or without the routed version but with the end user, is no header Keel ever wrote.
    expect(csvColumnsFor(`${CSV_COLUMNS.filter((c) => c.name !== "finishReason").map((c) => c.name).join(",")}\r\n`)).toBeNull();
    expect(csvColumnsFor(`${CSV_COLUMNS.filter((c) => c.name !== "routedVersionId").map((c) => c.name).join(",")}\r\n`)).toBeNull();
  });
});
