import crypto from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import OpenAI from "openai";
import { startFakeOpenAI, type FakeOpenAI } from "../lib/testing/fake-openai";
import { expect, test } from "./fixtures";
import { createApiKey, createTwoVersionEndpoint } from "./helpers";

// Other specs send traffic to the same tenant: everything here is under names of its own, and the
// monitoring page is filtered to this spec's key (or its endpoint), which only this spec calls.
const SUFFIX = crypto.randomBytes(3).toString("hex");
const ENDPOINT = `monitor-chat-${SUFFIX}`;
const KEY = `monitor app ${SUFFIX}`;
const END_USER = `monitor-end-user-${SUFFIX}`;
// The helper's prices, dollars per million tokens: v1 answers at 1 / 2, v2 at 1 / 4.
const PRICES_PER_MTOK = { v1: { input: 1n, output: 2n }, v2: { input: 1n, output: 4n } };
const UNITS_PER_DOLLAR = 100_000_000n;

/** One request this spec sent, as its caller saw it. */
type Sent = { status: number; versionId: string | null; stream: boolean; inputTokens: number; outputTokens: number };

/** A request record as the audit export streams it (the fields this spec reads). */
type ExportedRecord = { kind: "request"; id: string; apiKeyId: string | null; endpointId: string | null; modelVersionId: string | null; status: number; costUsd: string; inputTokens: number; outputTokens: number; ttftMs: number | null; endUser: string | null };

const CHART_IDS = ["chart-requests", "chart-error-rate", "chart-latency", "chart-ttft", "chart-tokens", "chart-cost"] as const;

let upstream: FakeOpenAI;
test.beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: "sk-monitoring" });
});
test.afterAll(async () => upstream?.close());

/** Dollars as a record holds them ("0.00001200") in whole 1e-8 dollars: sums stay exact. */
function units(dollars: string): bigint {
  const match = /^(\d+)\.(\d{8})$/.exec(dollars);
  if (!match) throw new Error(`not a cost with eight decimals: ${dollars}`);
  return BigInt(match[1]) * UNITS_PER_DOLLAR + BigInt(match[2]);
}

/** Whole 1e-8 dollars as the cost card's title writes them: `$0.00012345`. */
function dollarsTitle(total: bigint): string {
  return `$${total / UNITS_PER_DOLLAR}.${(total % UNITS_PER_DOLLAR).toString().padStart(8, "0")}`;
}

/** The error-rate card's text for these counts. */
const errorRate = (errors: number, requests: number) => `${((100 * errors) / requests).toFixed(1)}%`;

/** The x-axis labels of the requests chart, as drawn now. */
async function xTicks(scope: Locator): Promise<string[]> {
  return scope.getByTestId("chart-requests").locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value").allTextContents();
}

/** Every chart card in `scope` has drawn its SVG, and the requests chart has painted bars, failed ones among them. */
async function expectChartsDrawn(scope: Locator) {
  for (const id of CHART_IDS) await expect(scope.getByTestId(id).locator(".recharts-surface").first(), id).toBeVisible();
  const requests = scope.getByTestId("chart-requests");
  await expect.poll(() => requests.locator(".recharts-bar-rectangle path.recharts-rectangle").count()).toBeGreaterThan(0);
  await expect.poll(() => requests.locator('.recharts-bar-rectangle path[fill="var(--destructive)"]').count()).toBeGreaterThan(0);
  // Each line has its points placed (a path that starts at a point), the tokens' areas their shapes.
  for (const id of ["chart-error-rate", "chart-latency", "chart-ttft"] as const) {
    await expect(scope.getByTestId(id).locator("path.recharts-line-curve").first(), id).toHaveAttribute("d", /^M[\d.]+,[\d.]+/);
  }
  await expect(scope.getByTestId("chart-tokens").locator("path.recharts-area-area").first()).toHaveAttribute("d", /^M[\d.]+,[\d.]+/);
  await expect.poll(() => scope.getByTestId("chart-cost").locator(".recharts-bar-rectangle path.recharts-rectangle").count()).toBeGreaterThan(0);
}

/** The totals cards in `scope` show these figures; the cost card's title is the exact sum. */
async function expectTotals(scope: Locator, t: { requests: number; errors: number; inputTokens: number; outputTokens: number; cost: bigint }) {
  await expect(scope.getByTestId("total-requests")).toHaveText(t.requests.toLocaleString("en-US"));
  await expect(scope.getByTestId("total-error-rate")).toHaveText(errorRate(t.errors, t.requests));
  await expect(scope.getByTestId("total-tokens")).toHaveText(`${t.inputTokens.toLocaleString("en-US")} / ${t.outputTokens.toLocaleString("en-US")}`);
  await expect(scope.getByTestId("total-cost")).toHaveAttribute("title", dollarsTitle(t.cost));
  // Under a dollar the card shows every digit that is not a trailing zero.
  if (t.cost < UNITS_PER_DOLLAR) await expect(scope.getByTestId("total-cost")).toHaveText(dollarsTitle(t.cost).replace(/0+$/, ""));
  await expect(scope.getByTestId("total-latency")).toHaveText(/^[\d.]+ m?s \/ [\d.]+ m?s \/ [\d.]+ m?s$/);
  // Streams were among the requests, so time to first token has a figure.
  await expect(scope.getByTestId("total-ttft")).toHaveText(/^[\d.]+ m?s$/);
}

/** Chooses a range in `scope`'s picker and waits for the page to show it. */
async function chooseRange(page: Page, scope: Locator, range: string, step: RegExp | null) {
  const picker = scope.getByRole("navigation", { name: "Time range" });
  await picker.getByRole("link", { name: range, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]range=${range}(&|#|$)`));
  await expect(picker.getByRole("link", { name: range, exact: true })).toHaveAttribute("aria-current", "page");
  if (step) await expect(page.getByText(step)).toBeVisible();
}

/** The cost explorer's rows (the "(none)" row among them) add up to its total, to 1e-8 dollars. */
async function expectRowsAddUp(page: Page) {
  const rows = await page.getByTestId("cost-row-cost").allTextContents();
  expect(rows.length).toBeGreaterThan(0);
  const total = units((await page.getByTestId("cost-total").textContent())!.replace(/^\$/, ""));
  expect(rows.reduce((n, text) => n + units(text.replace(/^\$/, "")), 0n)).toBe(total);
}

test("charts render for real gateway traffic, follow the range picker, and the cost total equals the records' costs exactly", async ({ page, baseURL }) => {
  test.setTimeout(240_000);

  // 1. As the owner: a provider on the fake upstream, an endpoint with two priced versions, a key.
  await createTwoVersionEndpoint(page, baseURL!, { provider: `Monitor upstream ${SUFFIX}`, endpoint: ENDPOINT, baseUrl: upstream.baseUrl, apiKey: "sk-monitoring" });
  const endpointPath = new URL(page.url()).pathname;
  await page.goto("/t/acme/keys");
  const secret = await createApiKey(page, KEY);

  // Real traffic through the gateway with the official client: plain and streamed answers, the
  // provider refusing two requests (400), and two calls of a model the tenant does not have (404).
  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const sent: Sent[] = [];
  const chat = async (i: number, stream: boolean, model = ENDPOINT): Promise<Sent> => {
    const messages = [{ role: "user" as const, content: `monitoring request ${i}${" word".repeat(i % 7)}` }];
    // Every other request names its end user (OpenAI's `user` field), as an app tracking its users would.
    const user = i % 2 ? END_USER : undefined;
    let one: Sent;
    try {
      if (stream) {
        const { data, response } = await client.chat.completions.create({ model, messages, user, stream: true, stream_options: { include_usage: true } }).withResponse();
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of data) if (chunk.usage) usage = chunk.usage;
        expect(usage, "a stream that asked for usage ends with it").toBeTruthy();
        one = { status: response.status, versionId: response.headers.get("x-keel-model-version"), stream, inputTokens: usage!.prompt_tokens, outputTokens: usage!.completion_tokens };
      } else {
        const { data, response } = await client.chat.completions.create({ model, messages, user }).withResponse();
        one = { status: response.status, versionId: response.headers.get("x-keel-model-version"), stream, inputTokens: data.usage!.prompt_tokens, outputTokens: data.usage!.completion_tokens };
      }
    } catch (error) {
      if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
      one = { status: error.status, versionId: null, stream, inputTokens: 0, outputTokens: 0 };
    }
    sent.push(one);
    return one;
  };

  for (let i = 0; i < 18; i++) await chat(i, i % 3 === 0);
  const v1 = sent[0].versionId!;
  expect(v1).toBeTruthy();
  upstream.fail({ kind: "status", status: 400, message: "The fake provider refuses this one" }, 2);
  for (let i = 0; i < 2; i++) expect((await chat(100 + i, false)).status).toBe(400);
  for (let i = 0; i < 2; i++) expect((await chat(200 + i, false, `no-such-endpoint-${SUFFIX}`)).status).toBe(404);

  // v2 takes over; the requests answered before the switch reaches the gateway are counted as v1's.
  await page.goto(endpointPath);
  await page.getByRole("button", { name: "Activate v2" }).click();
  await expect(page.getByTestId("version-v2").getByTestId("active-version")).toBeVisible();
  await expect.poll(async () => (await chat(300, false)).versionId, { timeout: 10_000 }).not.toBe(v1);
  const v2 = sent.at(-1)!.versionId!;
  for (let i = 0; i < 12; i++) await chat(400 + i, i % 2 === 0);

  const ok = sent.filter((s) => s.status === 200);
  const failed = sent.filter((s) => s.status >= 400);
  expect(failed).toHaveLength(4);
  expect(ok.every((s) => s.versionId === v1 || s.versionId === v2)).toBe(true);
  expect(ok.filter((s) => s.versionId === v2).length).toBeGreaterThanOrEqual(13);
  expect(ok.filter((s) => s.stream).length).toBeGreaterThanOrEqual(12);
  const sum = (list: Sent[], field: "inputTokens" | "outputTokens") => list.reduce((n, s) => n + s[field], 0);

  // 2. The monitoring page, reached from the sidebar, filtered to this spec's key through the filter.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Monitoring" }).click();
  await expect(page.getByRole("heading", { name: "Monitoring", level: 1 })).toBeVisible();
  const keyFilter = page.getByLabel("API key", { exact: true });
  const keyId = (await keyFilter.locator("option", { hasText: KEY }).getAttribute("value"))!;
  expect(keyId).toBeTruthy();
  await keyFilter.selectOption(keyId);
  await expect(page).toHaveURL(new RegExp(`[?&]key=${keyId}(&|$)`));
  await expect(page.getByText(`key ${KEY}, last 24 hours`)).toBeVisible();
  const main = page.getByRole("main");

  // 4 (first half). The records themselves, as the audit export streams them for this key.
  const exported = await page.request.get(`${baseURL}/api/t/acme/audit/export?${new URLSearchParams({ format: "jsonl", kind: "requests", actor: `key:${keyId}` })}`);
  expect(exported.status()).toBe(200);
  const records = (await exported.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedRecord)
    .filter((r) => r.kind === "request");
  expect(records.every((r) => r.apiKeyId === keyId)).toBe(true);
  expect(records).toHaveLength(sent.length);
  expect(records.filter((r) => r.status >= 400)).toHaveLength(failed.length);
  const costOf = (list: ExportedRecord[]) => list.reduce((n, r) => n + units(r.costUsd), 0n);
  const recordsCost = costOf(records);
  // The records priced what the provider reported at each version's rates: 1 token at $1 per 1M is 100 units.
  const priced = (list: Sent[], p: { input: bigint; output: bigint }) => list.reduce((n, s) => n + 100n * (BigInt(s.inputTokens) * p.input + BigInt(s.outputTokens) * p.output), 0n);
  expect(recordsCost).toBe(priced(ok.filter((s) => s.versionId === v1), PRICES_PER_MTOK.v1) + priced(ok.filter((s) => s.versionId === v2), PRICES_PER_MTOK.v2));
  expect(recordsCost).toBeGreaterThan(0n);

  // The requests just answered are counted already, whether the rollups have reached them or not.
  const keyTotals = { requests: sent.length, errors: failed.length, inputTokens: sum(sent, "inputTokens"), outputTokens: sum(sent, "outputTokens"), cost: recordsCost };
  await expectTotals(main, keyTotals);
  await expectChartsDrawn(main);

  // The breakdowns read the rollups alone: once they list this key and endpoint in full, the
  // rollups have caught up, and the totals still count each request once.
  await expect(async () => {
    await page.reload();
    const keyRow = page.getByTestId("breakdown-key").getByRole("row").filter({ hasText: KEY });
    await expect(keyRow.getByRole("cell").nth(1)).toHaveText(String(sent.length), { timeout: 1_000 });
    await expect(keyRow.getByRole("cell").nth(2)).toHaveText(errorRate(failed.length, sent.length), { timeout: 1_000 });
    await expect(keyRow.getByRole("cell").nth(3)).toHaveAttribute("title", dollarsTitle(recordsCost), { timeout: 1_000 });
    await expect(keyRow.getByRole("link", { name: KEY })).toHaveAttribute("href", new RegExp(`[?&]key=${keyId}(&|$)`), { timeout: 1_000 });
    const endpointRecords = records.filter((r) => r.endpointId !== null);
    const endpointRow = page.getByTestId("breakdown-endpoint").getByRole("row").filter({ hasText: ENDPOINT });
    await expect(endpointRow.getByRole("cell").nth(1)).toHaveText(String(endpointRecords.length), { timeout: 1_000 });
    await expect(endpointRow.getByRole("cell").nth(3)).toHaveAttribute("title", dollarsTitle(costOf(endpointRecords)), { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expectTotals(main, keyTotals);

  // 3. Changing the range: the URL, the step and the time axis change; all the traffic was just now,
  // so every range counts all of it (minute, hour and day rollups alike).
  await expect(page.getByText("One point per 15 minutes")).toBeVisible();
  await expectChartsDrawn(main);
  let ticks = await xTicks(main);
  expect(ticks.length).toBeGreaterThan(1);
  for (const [range, step] of [["1h", /One point per 1 minute ·/], ["7d", /One point per 1 hour ·/], ["90d", /One point per day ·/], ["24h", /One point per 15 minutes ·/]] as const) {
    await chooseRange(page, main, range, step);
    await expect(page).toHaveURL(new RegExp(`[?&]key=${keyId}(&|$)`));
    await expectTotals(main, keyTotals);
    await expectChartsDrawn(main);
    const previous = ticks;
    await expect.poll(() => xTicks(main), { message: `the time axis after choosing ${range}` }).not.toEqual(previous);
    ticks = await xTicks(main);
  }

  // 4. To the cent, and below it: the cost card's exact figure is the sum of the records' costs.
  await expect(main.getByTestId("total-cost")).toHaveAttribute("title", dollarsTitle(recordsCost));

  // The cost explorer agrees with the records to 1e-8 dollars, grouped by endpoint, key and version,
  // and its groups add up to its total (other specs' spend included).
  await main.getByRole("link", { name: "Cost explorer" }).click();
  await expect(page.getByRole("heading", { name: "Cost explorer", level: 1 })).toBeVisible();
  const groupBy = page.getByRole("navigation", { name: "Group by" });
  for (const [group, name, list] of [
    ["By endpoint", ENDPOINT, records.filter((r) => r.endpointId !== null)],
    ["By API key", KEY, records],
    ["By version", `${ENDPOINT} · v1`, records.filter((r) => r.modelVersionId === v1)],
    ["By version", `${ENDPOINT} · v2`, records.filter((r) => r.modelVersionId === v2)],
    ["By end user", END_USER, records.filter((r) => r.endUser === END_USER)],
  ] as const) {
    // Not exact: the page lowercases the group's name ("By api key").
    const link = groupBy.getByRole("link", { name: group });
    await link.click();
    await expect(link).toHaveAttribute("aria-current", "page");
    const row = page.getByTestId("cost-row").filter({ hasText: name });
    await expect(row.getByRole("cell").nth(1), `${group}: ${name}`).toHaveText(list.length.toLocaleString("en-US"));
    await expect(row.getByTestId("cost-row-cost"), `${group}: ${name}`).toHaveText(dollarsTitle(costOf(list)));
    await expectRowsAddUp(page);
  }
  // An end user's row opens their requests in the audit explorer.
  expect(records.filter((r) => r.endUser === END_USER).length).toBeGreaterThan(5);
  await page.getByTestId("cost-row").filter({ hasText: END_USER }).getByRole("link", { name: END_USER }).click();
  await expect(page).toHaveURL(new RegExp(`/t/acme/audit\\?kind=requests&user=${END_USER}`));
  await expect(page.getByLabel("End user")).toHaveValue(END_USER);
  await page.goto("/t/acme/monitoring/costs?range=30d&group=version");
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/[?&]range=7d&group=version/);
  await expect(page.getByTestId("cost-row").filter({ hasText: `${ENDPOINT} · v2` }).getByTestId("cost-row-cost")).toHaveText(dollarsTitle(costOf(records.filter((r) => r.modelVersionId === v2))));
  const csv = await page.request.get(`${baseURL}/api/t/acme/costs/export?range=7d&group=key`);
  expect(csv.status()).toBe(200);
  const keyLine = (await csv.text()).split("\r\n").find((line) => line.startsWith(`${keyId},`));
  expect(keyLine?.split(",").slice(-4)).toEqual([String(sent.length), String(keyTotals.inputTokens), String(keyTotals.outputTokens), dollarsTitle(recordsCost).slice(1)]);

  // 5. The endpoint's own page: its Traffic section charts every version, then one.
  await page.goto(endpointPath);
  const traffic = page.getByRole("region", { name: "Traffic" });
  await expect(traffic.getByText("Last 24 hours, every version.")).toBeVisible();
  const atEndpoint = records.filter((r) => r.endpointId !== null);
  const totalsOf = (list: ExportedRecord[]) => ({
    requests: list.length,
    errors: list.filter((r) => r.status >= 400).length,
    inputTokens: list.reduce((n, r) => n + r.inputTokens, 0),
    outputTokens: list.reduce((n, r) => n + r.outputTokens, 0),
    cost: costOf(list),
  });
  // The two calls of an unknown model reached no endpoint; the provider's refusals did.
  expect(atEndpoint).toHaveLength(sent.length - 2);
  await expectTotals(traffic, totalsOf(atEndpoint));
  await expectChartsDrawn(traffic);

  await traffic.getByRole("navigation", { name: "Version" }).getByRole("link", { name: "v2", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]version=${v2}#traffic$`));
  await expect(traffic.getByText("Last 24 hours, version v2.")).toBeVisible();
  const atV2 = records.filter((r) => r.modelVersionId === v2);
  expect(atV2.length).toBe(ok.filter((s) => s.versionId === v2).length);
  await expect(traffic.getByTestId("total-requests")).toHaveText(String(atV2.length));
  await expect(traffic.getByTestId("total-error-rate")).toHaveText("0.0%");
  await expect(traffic.getByTestId("total-cost")).toHaveAttribute("title", dollarsTitle(costOf(atV2)));

  await chooseRange(page, traffic, "1h", null);
  await expect(traffic.getByText("Last hour, version v2.")).toBeVisible();
  await expect(traffic.getByTestId("total-requests")).toHaveText(String(atV2.length));
  await expect(traffic.getByTestId("total-cost")).toHaveAttribute("title", dollarsTitle(costOf(atV2)));
});
