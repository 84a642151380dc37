import { describe, expect, it, vi } from "vitest";
import { RecordWriter, recordProblem, type RequestRecordRow } from "./record-writer";

const row = (id: string): RequestRecordRow => ({ id, tenantId: "t", route: "chat.completions", latencyMs: 1, status: 200, createdAt: new Date() });

describe("RecordWriter", () => {
  it("commits records that arrive together in one batch, and those arriving during a commit in the next", async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const writer = new RecordWriter(async (rows) => {
      batches.push(rows.map((r) => r.id));
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = Array.from({ length: 5 }, (_, i) => writer.write(row(`a${i}`)));
    await new Promise((r) => setImmediate(r));
    const second = Array.from({ length: 3 }, (_, i) => writer.write(row(`b${i}`)));
    let firstDone = false;
    void Promise.all(first).then(() => (firstDone = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(firstDone).toBe(false);
    release();
    await Promise.all([...first, ...second]);
    expect(batches).toEqual([["a0", "a1", "a2", "a3", "a4"], ["b0", "b1", "b2"]]);
  });

  it("rejects every waiter of a failed batch, and keeps going", async () => {
    let calls = 0;
    const writer = new RecordWriter(async () => {
      if (++calls === 1) throw new Error("database down");
    });
    const failed = writer.write(row("x"));
    await expect(failed).rejects.toThrow("database down");
    await expect(writer.write(row("y"))).resolves.toBeUndefined();
  });

  it("flush waits for everything queued", async () => {
    const written: string[] = [];
    const writer = new RecordWriter(async (rows) => {
      await new Promise((r) => setTimeout(r, 5));
      written.push(...rows.map((r) => r.id));
    }, 2);
    for (const id of ["1", "2", "3", "4", "5"]) void writer.write(row(id));
    await writer.flush();
    expect(written).toEqual(["1", "2", "3", "4", "5"]);
  });
});

describe("a record the database could not store", () => {
  const bad: [string, Partial<RequestRecordRow>, RegExp][] = [
    ["half a surrogate pair in the end user", { endUser: "a\ud800b" }, /endUser holds NUL or half a surrogate pair/],
    ["NUL in the endpoint name", { endpointName: "m\u0000" }, /endpointName holds NUL/],
    ["a time to first token that is not a number", { ttftMs: Number.NaN }, /ttftMs is not an integer/],
    ["a token count past int4", { inputTokens: 2 ** 31 }, /inputTokens is not an integer/],
    ["a fractional latency", { latencyMs: 1.5 }, /latencyMs is not an integer/],
    ["no status", { status: undefined as unknown as number }, /status is missing/],
    ["no tenant", { tenantId: undefined as unknown as string }, /tenantId is missing/],
    ["a cost of a million", { costUsd: "1000000.00000000" }, /costUsd is a million or more/],
    ["a cost that is not a number", { costUsd: "NaN" }, /costUsd is not a number/],
    ["an invalid date", { createdAt: new Date(Number.NaN) }, /createdAt is not a date/],
    ["a date past the year 9999", { createdAt: new Date("+010000-01-01T00:00:00Z") }, /createdAt is not a date/],
    ["a value the check itself cannot read", { createdAt: 1n as unknown as Date }, /could not be checked/],
  ];

  it.each(bad)("is refused alone (%s): the records written with it commit in one batch", async (_, change, reason) => {
    const batches: string[][] = [];
    const writer = new RecordWriter(async (rows) => {
      batches.push(rows.map((r) => r.id));
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const writes = [writer.write(row("before")), writer.write({ ...row("odd"), ...change }), writer.write(row("after"))];
    const [before, odd, after] = await Promise.allSettled(writes);
    errors.mockRestore();
    expect([before.status, after.status]).toEqual(["fulfilled", "fulfilled"]);
    expect(odd.status === "rejected" && String(odd.reason)).toMatch(reason);
    expect(batches).toEqual([["before", "after"]]);
  });

  it("is not what a full, ordinary record is", () => {
    expect(recordProblem({ ...row("x"), endUser: "漢字 👩‍💻", ttftMs: 0, inputTokens: 2 ** 31 - 1, costUsd: "999999.99999999", createdAt: "9999-12-31T23:59:59.999Z" })).toBeNull();
  });
});

describe("request record MACs", () => {
  it("cost microseconds per record (reported, not asserted)", async () => {
    const { canonicalRecord, deriveMacKeys, recordMac } = await import("@/lib/audit/request-record-hash");
    const { toCanonical } = await import("./record-writer");
    const key = deriveMacKeys(`k1:${Buffer.alloc(32, 7).toString("base64")}`)[0];
    const rows: RequestRecordRow[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `req_${i}_0123456789abcdef`, tenantId: "cm4tenant0000000000000000", apiKeyId: "cm4key000000000000000000", userId: null,
      endpointId: "cm4endpoint0000000000000", endpointName: "chat-prod", modelVersionId: "cm4version00000000000000", route: "chat.completions",
      stream: i % 2 === 0, inputHash: "9f".repeat(32), inputTokens: 120, outputTokens: 48, tokensEstimated: false, costUsd: "0.00012300",
      latencyMs: 41, ttftMs: 12, status: 200, errorCode: null, attempts: 1, createdAt: new Date(),
    }));
    const macs = (n: number) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) recordMac(key, canonicalRecord(toCanonical(rows[i])));
      return Number(process.hrtime.bigint() - start) / n;
    };
    macs(rows.length); // warm-up
    const ns = macs(rows.length);
    console.log(`[record-writer] canonical form + HMAC-SHA256: ${ns.toFixed(0)} ns/record`);
    expect(recordMac(key, canonicalRecord(toCanonical(rows[0])))).toMatch(/^k1:[0-9a-f]{64}$/);
  });
});
