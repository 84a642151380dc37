import crypto from "node:crypto";
import { parseMasterKeys } from "./secrets";

/** For tests: a value as Keel sealed it before v2 (additional data `v1.<keyId>`, bound to nothing). */
export function sealV1(plaintext: string, spec: string): string {
  const [{ id, key }] = parseMasterKeys(spec);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`v1.${id}`));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}
