import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/testing/db";
import { seedTenant } from "@/lib/testing/factories";
import { seedProvider } from "@/lib/testing/gateway-factories";
import { sealV1 } from "./legacy-fixture";
import { resealNotice, resealSecrets } from "./reseal";
import { decryptSecret, encryptSecret, parseMasterKeys, providerKeyBinding } from "./secrets";

useTestDatabase();

const spec = (id: string) => `${id}:${crypto.randomBytes(32).toString("base64")}`;

describe("resealSecrets", () => {
  it("re-seals v1 and old-key values into v2 under the current key, bound to their rows, once", async () => {
    const current = process.env.KEEL_MASTER_KEY!;
    const old = spec("old");
    const keys = parseMasterKeys(`${current},${old}`);
    const tenant = await seedTenant();
    const other = await seedTenant();

    const legacy = await seedProvider(tenant);
    await db().provider.update({ where: { id: legacy.id }, data: { apiKeySealed: sealV1("sk-legacy", current) } });
    const rotated = await seedProvider(other);
    await db().provider.update({ where: { id: rotated.id }, data: { apiKeySealed: encryptSecret("sk-rotated", providerKeyBinding(rotated), parseMasterKeys(old)) } });
    const fresh = await seedProvider(tenant, { apiKey: "sk-fresh" });
    const lost = await seedProvider(tenant);
    await db().provider.update({ where: { id: lost.id }, data: { apiKeySealed: encryptSecret("sk-lost", providerKeyBinding(lost), parseMasterKeys(spec("gone"))) } });
    const keyless = await seedProvider(tenant);
    const before = new Map((await db().provider.findMany()).map((p) => [p.id, p.apiKeySealed]));

    // Before: an unbound v1 value opens in any row, which is what binding is for.
    expect(decryptSecret(before.get(legacy.id)!, providerKeyBinding(rotated), keys)).toBe("sk-legacy");

    const first = await resealSecrets(db(), { keys, batchSize: 1 });
    expect(first.resealed).toBe(2);
    expect(first.failed).toEqual([{ tenantId: tenant.id, providerId: lost.id, reason: expect.stringContaining('"gone"') }]);
    expect(resealNotice(first)).toBe(
      `secrets: re-sealed 2 provider keys under the current master key, bound to their rows; 1 stored provider key could not be opened (providers ${lost.id}); enter it again in the console.`,
    );

    const after = new Map((await db().provider.findMany()).map((p) => [p.id, p]));
    const currentId = keys[0].id;
    for (const [row, plaintext] of [[legacy, "sk-legacy"], [rotated, "sk-rotated"]] as const) {
      const sealed = after.get(row.id)!.apiKeySealed!;
      expect(sealed.startsWith(`v2.${currentId}.`)).toBe(true);
      expect(decryptSecret(sealed, providerKeyBinding(row), parseMasterKeys(current))).toBe(plaintext);
    }
    // Re-sealed, the value no longer opens in another row.
    expect(() => decryptSecret(after.get(legacy.id)!.apiKeySealed!, providerKeyBinding(rotated), keys)).toThrow();
    for (const untouched of [fresh, lost, keyless]) expect(after.get(untouched.id)!.apiKeySealed).toBe(before.get(untouched.id));

    const second = await resealSecrets(db(), { keys });
    expect(second.resealed).toBe(0);
    expect(resealNotice({ resealed: 0, failed: [] })).toBeNull();
    expect(new Map((await db().provider.findMany()).map((p) => [p.id, p.apiKeySealed]))).toEqual(new Map([...after].map(([id, p]) => [id, p.apiKeySealed])));
  });

  it("uses KEEL_MASTER_KEY by default, and leaves current values alone", async () => {
    const provider = await seedProvider(await seedTenant(), { apiKey: "sk-current" });
    const result = await resealSecrets(db());
    expect(result.failed.filter((f) => f.providerId === provider.id)).toEqual([]);
    expect((await db().provider.findUniqueOrThrow({ where: { id: provider.id } })).apiKeySealed).toBe(provider.apiKeySealed);
  });
});
