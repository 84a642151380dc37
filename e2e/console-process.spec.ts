import crypto from "node:crypto";
import fs from "node:fs";
import pg from "pg";
import { adminQuery, databaseUrl } from "../lib/testing/postgres-admin";
import { expect, expectFailedRequest, expectFailedResponse, test } from "./fixtures";
import { createApiKey, signIn } from "./helpers";
import { startKeel, type KeelProcess } from "./keel-process";

/** The processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The requests a tenant's rollups count, over all time (its tenant-wide DAY rows). */
async function rolledUpRequests(slug: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(dbName) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string | null }>(
      `SELECT sum(r."requests")::text AS n FROM "UsageRollup" r JOIN "Tenant" t ON t."id" = r."tenantId"
       WHERE t."slug" = $1 AND r."grain" = 'DAY' AND r."endpointId" = '' AND r."versionId" = '' AND r."apiKeyId" = '' AND r."userId" = ''`,
      [slug],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

let keel: KeelProcess;
const dbName = `keel_e2e_${crypto.randomBytes(4).toString("hex")}`;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  keel = await startKeel({ port: 3102, databaseUrl: databaseUrl(dbName) });
});

test.afterAll(async () => {
  await keel?.stop();
  if (keel) fs.rmSync(keel.home, { recursive: true, force: true });
  await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
});

test.setTimeout(180_000);
test("on a PostgreSQL server the console runs in its own process, and a key it revokes is refused by the gateway at once", async ({ page }) => {
  expect(keel.output()).toContain("console in its own process");
  const [consolePid] = childrenOf(keel.pid);
  expect(consolePid).toBeGreaterThan(0);

  // Console pages come through the front process with the console's security headers.
  const owner = keel.signIns.find((s) => s.role === "OWNER")!;
  await signIn(page.request, keel.url, owner.email, owner.password);
  const pageResponse = await page.goto(`${keel.url}/t/acme/keys`);
  expect(pageResponse?.status()).toBe(200);
  expect(pageResponse?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  const secret = await createApiKey(page, "split app");
  const appSecret = await createApiKey(page, "steady app");

  // Background work runs in the console's process, which the gateway's tells when records commit:
  // a request's record (a refused model name writes one) reaches the monitoring rollups within seconds.
  const askUnknownModel = async () => {
    const refused = await page.request.post(`${keel.url}/api/v1/chat/completions`, {
      headers: { authorization: `Bearer ${appSecret}` },
      data: { model: "no-such-model", messages: [{ role: "user", content: "hi" }] },
    });
    expect(refused.status()).toBe(404);
  };
  await askUnknownModel();
  await expect.poll(() => rolledUpRequests("acme"), { timeout: 12_000 }).toBe(1);

  const listModels = () => page.request.get(`${keel.url}/api/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
  const keyRow = page.getByTestId("key-split app");
  await keyRow.getByRole("button", { name: "Revoke" }).click();
  // The gateway, in the front process, caches the key now (for 2 s without a change announced).
  expect((await listModels()).status()).toBe(200);
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(keyRow.getByTestId("key-status")).toHaveText("revoked");
  // Refused on the first try: the console's change crossed to the gateway's process, not waited out.
  expect((await listModels()).status()).toBe(401);

  // A console that dies is restarted while the gateway answers. A page asked for in the moment of
  // the kill is answered (503 while the console restarts), not left waiting for the proxy's timeout.
  // What the open page still loads in that moment (the browser's icon request) gets the 503 too.
  // The open page's prefetches of the sidebar's pages are let finish first, but Next may start one
  // more as the page idles: one the kill cuts halfway is the test's doing, not a request the
  // restarting console failed to answer.
  await page.waitForLoadState("networkidle");
  expectFailedResponse(page, new RegExp(`^${keel.url}/`), 503);
  expectFailedRequest(page, new RegExp(`^${keel.url}/t/acme/[^?]*\\?_rsc=`));
  process.kill(consolePid, "SIGKILL");
  const caught = await page.request.get(`${keel.url}/t/acme/keys`, { timeout: 30_000 });
  expect([200, 503]).toContain(caught.status());
  const unauthorized = await page.request.get(`${keel.url}/api/v1/models`);
  expect(unauthorized.status()).toBe(401);
  await expect(async () => {
    expect((await page.request.get(`${keel.url}/t/acme/keys`, { timeout: 10_000 })).status()).toBe(200);
  }).toPass({ timeout: 60_000 });
  const [restarted] = childrenOf(keel.pid);
  expect(restarted).not.toBe(consolePid);
  expect(keel.output()).toContain("the console process exited");
  // The restarted console's process took the background work up again.
  await askUnknownModel();
  await expect.poll(() => rolledUpRequests("acme"), { timeout: 20_000 }).toBe(2);

  // A console process never outlives Keel, even one killed with -9.
  await keel.stop("SIGKILL");
  await expect.poll(() => alive(restarted), { timeout: 15_000 }).toBe(false);
});
