import { describe, expect, it } from "vitest";
import { Budget } from "./budget";

const tenant = (monthlyBudgetUsd: number | null) => ({ id: "t1", monthlyBudgetUsd });

describe("Budget reservations", () => {
  it("refuses what would pass the budget with what is in flight, and gives holds back once", async () => {
    const budget = new Budget(60_000, async () => 0.5);
    const a = await budget.reserve(tenant(1), 0.3);
    await expect(budget.reserve(tenant(1), 0.3)).rejects.toMatchObject({ status: 429, code: "insufficient_quota", message: expect.stringMatching(/in flight/) });
    expect(budget.held("t1")).toEqual({ usd: 0.3, leases: 1 });
    a.settle(0.1);
    a.settle(0.1); // settling twice changes nothing
    expect(budget.held("t1")).toEqual({ usd: 0, leases: 0 });
    expect(budget.spentUsd("t1")).toBeCloseTo(0.6, 10);
    const b = await budget.reserve(tenant(1), 0.4);
    b.settle(0);
    await expect(budget.reserve(tenant(1), 0.41)).rejects.toMatchObject({ status: 429 });
  });

  it("fills a budget exactly, however many holds it takes", async () => {
    const budget = new Budget(60_000, async () => 0);
    const leases = await Promise.all(Array.from({ length: 10 }, () => budget.reserve(tenant(1), 0.1)));
    await expect(budget.reserve(tenant(1), 0.00000001)).rejects.toMatchObject({ status: 429 });
    for (const l of leases) l.settle(0.1);
    expect(budget.held("t1").leases).toBe(0);
    await expect(budget.reserve(tenant(1), 0)).rejects.toMatchObject({ message: expect.stringMatching(/has reached its monthly budget/) });
  });

  it("refuses at once a request that could cost more than the whole budget", async () => {
    const budget = new Budget(60_000, async () => 0);
    await expect(budget.reserve(tenant(1), 1.5)).rejects.toMatchObject({ message: expect.stringMatching(/more than this tenant's monthly budget/) });
  });

  it("holds nothing without a budget, and keeps holds across a refresh of the spend", async () => {
    let recorded = 0;
    const budget = new Budget(0, async () => recorded);
    (await budget.reserve(tenant(null), 100)).settle(5);
    expect(budget.held("t1").leases).toBe(0);
    const lease = await budget.reserve(tenant(1), 0.5);
    recorded = 0.2; // another instance spent
    // refreshMs 0: every reservation starts a re-read in the background and is answered from the last figure.
    (await budget.reserve(tenant(1), 0)).settle(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(budget.spentUsd("t1")).toBeCloseTo(0.2, 10);
    await expect(budget.reserve(tenant(1), 0.4)).rejects.toMatchObject({ status: 429 });
    await budget.reserve(tenant(1), 0.3);
    expect(budget.held("t1")).toEqual({ usd: 0.8, leases: 2 });
    lease.settle(0);
  });

  it("counts a cost settled while the spend is being re-read on top of the new sum", async () => {
    let release: (usd: number) => void = () => {};
    let calls = 0;
    const budget = new Budget(0, () => (calls++ === 0 ? Promise.resolve(0) : new Promise<number>((r) => (release = r))));
    const lease = await budget.reserve(tenant(1), 0.5);
    const next = budget.reserve(tenant(1), 0.1); // starts a re-read, but is answered from the current figure
    await next;
    lease.settle(0.5); // settles while the re-read is pending; its record may be missing from the sum
    release(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(budget.spentUsd("t1")).toBeCloseTo(0.5, 10);
  });
});
