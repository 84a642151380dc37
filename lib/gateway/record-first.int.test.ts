import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { unique } from "@/lib/testing/factories";
import { seedGatewayTenant, useGatewayHarness } from "@/lib/testing/gateway-factories";

useTestDatabase();

const harness = useGatewayHarness();

// This file's own database refuses the records of endpoints named recfail-*: the write of the
// record fails after the provider has answered, which is when an answer could leak unrecorded. It
// writes those of endpoints named recslow-* a third of a second late.
beforeAll(async () => {
  await db().$executeRawUnsafe(`
    CREATE FUNCTION keel_test_refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW."endpointName" LIKE 'recfail-%' THEN RAISE EXCEPTION 'record refused by the test'; END IF;
      IF NEW."endpointName" LIKE 'recslow-%' THEN PERFORM pg_sleep(0.3); END IF;
      RETURN NEW;
    END $$`);
  await db().$executeRawUnsafe(`CREATE TRIGGER keel_test_refuse_record BEFORE INSERT ON "RequestRecord" FOR EACH ROW EXECUTE FUNCTION keel_test_refuse_record()`);
});
afterAll(async () => {
  await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS keel_test_refuse_record ON "RequestRecord"`).catch(() => {});
});

const hi = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hi" }] });

describe("an answer Keel could not record", () => {
  it("is withheld as a 500 record_failed, though the provider answered, and the key's allowance is given back", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { name: `recfail-${unique()}` }, key: { requestsPerMinute: 100, tokensPerMinute: 200 } });
    const client = harness.gateway.client(s.secret);
    const error = (await client.chat.completions.create({ ...hi(s.endpoint.name), max_tokens: 150 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.code).toBe("record_failed");
    expect(harness.fake.requests).toHaveLength(1);
    // The reservation (2 + 150 of 200 tokens) was settled: another call of the same size fits.
    const again = (await client.chat.completions.create({ ...hi(s.endpoint.name), max_tokens: 150 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(again.code).toBe("record_failed");
  });

  it("never ends a stream with [DONE]: the caller gets an error, not a clean answer", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { name: `recfail-${unique()}` } });
    const stream = await harness.gateway.client(s.secret).chat.completions.create({ ...hi(s.endpoint.name), stream: true });
    const read = (async () => {
      for await (const chunk of stream) void chunk;
    })();
    await expect(read).rejects.toThrow();
    expect(harness.fake.requests).toHaveLength(1);
  });
});

describe("the end of a stream", () => {
  it("passes on a provider's error event only once the failed stream's record is durable", async () => {
    const s = await seedGatewayTenant(harness.fake.baseUrl, { endpoint: { name: `recslow-${unique()}` } });
    harness.fake.fail({ kind: "error-event", afterChunks: 2 });
    const { data: stream, response } = await harness.gateway
      .client(s.secret)
      .chat.completions.create({ ...hi(s.endpoint.name), stream: true })
      .withResponse();
    const read = (async () => {
      for await (const chunk of stream) void chunk;
    })();
    await expect(read).rejects.toThrow(/the model fell over/);
    const record = await db().requestRecord.findUnique({ where: { id: response.headers.get("x-request-id")! } });
    expect(record).toMatchObject({ status: 502, errorCode: "provider_error" });
  });
});
