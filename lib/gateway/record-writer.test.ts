import { describe, expect, it } from "vitest";
import { RecordWriter, type RequestRecordRow } from "./record-writer";

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
