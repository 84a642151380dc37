import { describe, expect, it } from "vitest";
import { DatasetError, parseDataset } from "./dataset";
import { ScorerError, readJudgement, scoreAnswer } from "./scorers";
import { summarize, wilson } from "./summary";

const c = (over: Partial<{ expected: string | null; rubric: string | null; schema: Record<string, unknown> | null }> = {}) => ({
  messages: [{ role: "user" as const, content: "q" }], expected: null, rubric: null, schema: null, ...over,
});

describe("scorers", () => {
  it("exact, contains and regex score 1 or 0", async () => {
    expect(await scoreAnswer("EXACT", c({ expected: "Paris" }), " Paris\n", 1)).toMatchObject({ score: 1, passed: true });
    expect(await scoreAnswer("EXACT", c({ expected: "Paris" }), "paris", 1)).toMatchObject({ score: 0, passed: false });
    expect(await scoreAnswer("CONTAINS", c({ expected: "paris" }), "It is Paris.", 1)).toMatchObject({ score: 1 });
    expect(await scoreAnswer("REGEX", c({ expected: "^\\d{4}-\\d{2}$" }), "2026-12", 1)).toMatchObject({ score: 1 });
    expect(await scoreAnswer("REGEX", c({ expected: "^\\d{4}$" }), "twenty", 1)).toMatchObject({ score: 0 });
  });

  it("stops a catastrophic pattern instead of holding the thread", async () => {
    await expect(scoreAnswer("REGEX", c({ expected: "^(a+)+$" }), `${"a".repeat(40)}b`, 1)).rejects.toThrow(ScorerError);
  });

  it("validates JSON answers, fenced or not, and names the first error", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    expect(await scoreAnswer("JSON_SCHEMA", c({ schema }), '```json\n{"city": "Lyon"}\n```', 1)).toMatchObject({ score: 1 });
    expect(await scoreAnswer("JSON_SCHEMA", c({ schema }), '{"town": "Lyon"}', 1)).toMatchObject({ score: 0, detail: expect.stringContaining("city") });
    expect(await scoreAnswer("JSON_SCHEMA", c({ schema }), "Lyon", 1)).toMatchObject({ score: 0, detail: "the answer is not JSON" });
  });

  it("similarity uses the embeddings given, and the judge's 0–10 becomes 0–1", async () => {
    const embed = async (texts: string[]) => texts.map((t) => (t.includes("cat") ? [1, 0] : [0.6, 0.8]));
    expect(await scoreAnswer("SIMILARITY", c({ expected: "a cat" }), "the cat", 0.8, { embed })).toMatchObject({ score: 1, passed: true });
    expect(await scoreAnswer("SIMILARITY", c({ expected: "a cat" }), "a dog", 0.8, { embed })).toMatchObject({ passed: false });
    expect(await scoreAnswer("JUDGE", c({ rubric: "polite" }), "hi", 0.7, { judge: async () => '{"score": 8, "reason": "polite"}' })).toMatchObject({ score: 0.8, passed: true });
    expect(readJudgement("7 - fine")).toEqual({ score: 7, reason: null });
    expect(() => readJudgement("great answer")).toThrow(ScorerError);
  });

  it("names what a case lacks", async () => {
    await expect(scoreAnswer("EXACT", c(), "x", 1)).rejects.toThrow('needs "expected"');
    await expect(scoreAnswer("REGEX", c({ expected: "(" }), "x", 1)).rejects.toThrow("not a valid regular expression");
  });
});

describe("datasets", () => {
  it("reads JSONL and CSV alike", () => {
    const jsonl = parseDataset('{"input": "2+2?", "expected": "4"}\n\n{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}], "expected": "Paris"}\n', "jsonl");
    expect(jsonl).toHaveLength(2);
    expect(jsonl[1].messages).toHaveLength(2);
    const csv = parseDataset('input,expected\r\n"2+2, please?",4\r\n"Say ""hi""",hi\r\n', "csv");
    expect(csv.map((x) => [x.messages[0].content, x.expected])).toEqual([["2+2, please?", "4"], ['Say "hi"', "hi"]]);
  });

  it("says which line or row is wrong", () => {
    expect(() => parseDataset('{"input": "a"}\nnot json', "jsonl")).toThrow("Line 2 is not JSON.");
    expect(() => parseDataset('{"expected": "a"}', "jsonl")).toThrow('Line 1: give "input"');
    expect(() => parseDataset("question,expected\nx,y", "csv")).toThrow(DatasetError);
    expect(() => parseDataset("input,expected\nx", "csv")).toThrow("Row 2 has 1 cells where the header has 2.");
    expect(() => parseDataset("", "jsonl")).toThrow("no cases");
  });
});

describe("summaries", () => {
  it("gives the mean and pass rate with 95 % intervals, counting unscored cases as 0", () => {
    const s = summarize([{ score: 1, passed: true }, { score: 1, passed: true }, { score: 0, passed: false }], 1);
    expect(s).toMatchObject({ cases: 4, scored: 3, failed: 1, passed: 2, meanScore: 0.5, passRate: 0.5 });
    expect(s.meanCi[0]).toBeLessThan(0.5);
    expect(s.meanCi[1]).toBeGreaterThan(0.5);
    const [lo, hi] = wilson(90, 100);
    expect(lo).toBeCloseTo(0.826, 2);
    expect(hi).toBeCloseTo(0.945, 2);
  });
});

describe("hostile scoring input", () => {
  it("stops a catastrophic pattern inside a JSON Schema, keeps tenants' $ids apart, and treats an empty expected as none", async () => {
    const schema = { type: "string", pattern: "^(a|a)+$" };
    await expect(scoreAnswer("JSON_SCHEMA", c({ schema }), JSON.stringify(`${"a".repeat(40)}!`), 1)).rejects.toThrow(ScorerError);
    const a = { $id: "https://example.test/shared", type: "string" };
    const b = { $id: "https://example.test/shared", type: "number" };
    expect(await scoreAnswer("JSON_SCHEMA", c({ schema: a }), '"x"', 1)).toMatchObject({ score: 1 });
    expect(await scoreAnswer("JSON_SCHEMA", c({ schema: b }), "3", 1)).toMatchObject({ score: 1 });
    expect(parseDataset('{"input": "q", "expected": ""}', "jsonl")[0].expected).toBeNull();
    expect(() => parseDataset("input,expected\n\nq,a\nx", "csv")).toThrow("Row 4 has 1 cells");
  });
});
