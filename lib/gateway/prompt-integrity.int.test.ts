import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { asSuperuser } from "@/lib/audit/test-tamper";
import { verifyTrails } from "@/lib/audit/verify-trails";
import { db } from "@/lib/db/client";
import { seedPrompt } from "@/lib/prompts/test-factories";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { seedApiKey, usePromptGateway } from "@/lib/testing/gateway-factories";
import { promptTrailStatement } from "./prompt-integrity";

/**
 * What checking a served prompt against its audit events costs, and that finding each event by its
 * place still vouches only for what Keel wrote.
 */
const handle = useTestDatabase();

const { fetchPrompt } = usePromptGateway({ cacheTtlMs: 60_000 });

const VERSIONS = 200;

/** A prompt of VERSIONS versions, each with 12 KB of text that does not compress, so that each version event sits in TOAST. */
async function longHistory() {
  const tenant = await seedTenant();
  const versions = Array.from({ length: VERSIONS }, (_, i) => ({ content: { system: `v${i + 1} ${crypto.randomBytes(9_000).toString("base64")}` } }));
  const prompt = await seedPrompt(tenant, { name: "long-history", versions });
  const { secret } = await seedApiKey(tenant);
  return { tenant, prompt, secret };
}

/** Shared buffers a statement touches, as EXPLAIN (ANALYZE, BUFFERS) counts them. */
async function buffersOf([sql, ...values]: [string, ...unknown[]]): Promise<number> {
  const [row] = await db().$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: Record<string, number> }] }[]>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, ...values);
  const plan = row["QUERY PLAN"][0].Plan;
  return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"];
}

describe("the events a served prompt is checked against", () => {
  it("are read in a bounded number of buffers, however many versions the prompt has", async () => {
    const s = await longHistory();
    // Filtering on the events' JSON, as the first version did, reads every version event out of TOAST.
    const byJson: [string, ...unknown[]] = [
      `SELECT e."id" FROM "AuditEvent" e WHERE e."tenantId" = $1 AND e."resourceType" = 'prompt' AND e."resourceId" = $2
         AND e."after"->'version'->>'version' = ANY($3::text[])`,
      s.tenant.id, s.prompt.id, ["1", String(VERSIONS)],
    ];
    expect(await buffersOf(byJson)).toBeGreaterThan(VERSIONS * 2);
    // A version in the middle is counted to from the nearer end: index entries and rows, never their
    // JSON (the middle one reads about 60 buffers, as many as the rows it counts past take up).
    for (const wanted of [VERSIONS, 1, 2, VERSIONS / 2, VERSIONS - 1]) {
      expect(await buffersOf(promptTrailStatement(s.tenant.id, s.prompt.id, VERSIONS, wanted)), `version ${wanted}`).toBeLessThan(VERSIONS / 2);
    }
  });

  it("still vouch for every version, the newest, the first, and those between, found from either end", async () => {
    const s = await longHistory();
    for (const wanted of [null, 1, 2, 99, 100, 101, VERSIONS - 1]) {
      const { status, body } = await fetchPrompt(s.secret, `long-history${wanted === null ? "" : `?version=${wanted}`}`);
      expect(status, String(wanted)).toBe(200);
      expect(body.messages[0].content.startsWith(`v${wanted ?? VERSIONS} `), String(wanted)).toBe(true);
    }
    expect((await fetchPrompt(s.secret, `long-history?version=${VERSIONS + 1}`)).status).toBe(404);
  });

  it("vouch for nothing when an event is missing: its version, and those whose place it shifts, are refused", async () => {
    const s = await longHistory();
    await asSuperuser(
      handle,
      [`DELETE FROM "AuditHead" h USING "AuditEvent" e WHERE e."resourceId" = $1 AND e."after"->'version'->>'version' = '150' AND h."tenantId" = e."tenantId" AND h."seq" = e."seq"`, s.prompt.id],
      [`DELETE FROM "AuditEvent" WHERE "resourceId" = $1 AND "after"->'version'->>'version' = '150'`, s.prompt.id],
    );
    // Version 120 is found counting from the newest event, one place short now that 150's is gone.
    for (const wanted of [150, 120]) {
      expect(await fetchPrompt(s.secret, `long-history?version=${wanted}`), String(wanted)).toMatchObject({ status: 500, body: { error: { code: "prompt_integrity" } } });
    }
    for (const wanted of [100, 151]) expect((await fetchPrompt(s.secret, `long-history?version=${wanted}`)).status, String(wanted)).toBe(200);
    expect((await verifyTrails(db(), s.tenant.id)).audit.ok).toBe(false);
  });
});
