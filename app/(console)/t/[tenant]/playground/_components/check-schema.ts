"use server";

import { getSessionUser } from "@/lib/auth/session";
import { checkJsonSchema, type JsonSchemaCheck } from "@/lib/playground/json-schema";

/**
 * The JSON Schema editor's check, run on the server: Ajv compiles schemas into code, which the
 * console's content security policy (no 'unsafe-eval') rightly forbids in the browser. Reads
 * nothing and changes nothing, so it needs a session but no tenant.
 */
export async function checkJsonSchemaText(text: string): Promise<JsonSchemaCheck> {
  if (!(await getSessionUser())) return { ok: false, error: "Sign in again to check the schema." };
  if (typeof text !== "string") return { ok: false, error: "The schema must be text." };
  return checkJsonSchema(text);
}
