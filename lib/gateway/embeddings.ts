import type { IncomingMessage, ServerResponse } from "node:http";
import { admit, authenticateCaller } from "./admit";
import { sendJson } from "./errors";
import { hashInput, type Exchange } from "./exchange";
import { forward, providerBody } from "./forward";
import type { Gateway } from "./gateway";
import { readJsonBody } from "./http-body";
import { parseProviderJson } from "./json";
import { embeddingsBodySchema, parseBody } from "./schemas";
import { estimateEmbeddingsUsage, readUsage } from "./tokens";
import { readUpstreamBody } from "./upstream";

const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * POST /api/v1/embeddings: the caller gets the encoding it asked for, whatever the provider sent.
 * The key is checked before the body is read, as for chat completions.
 */
export async function embeddings(gw: Gateway, ex: Exchange, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  ex.route = "embeddings";
  const key = await authenticateCaller(gw, req);
  const body = parseBody(embeddingsBodySchema, await readJsonBody(req, gw.options.maxBodyBytes));
  ex.inputHash = hashInput(body);
  const estimate = estimateEmbeddingsUsage(body.input);
  const { versions, lease } = await admit(gw, ex, key, body.model, "EMBEDDINGS", () => estimate);
  try {
    const { response, version } = await forward(gw, ex, versions, "/embeddings", (v) => providerBody(v, body), signal);
    const raw = await readUpstreamBody(response.body, MAX_RESPONSE_BYTES);
    const json = parseProviderJson(raw);
    const converted = matchEncoding(json, body.encoding_format === "base64" ? "base64" : "float");
    ex.applyUsage(readUsage(json.usage), () => ({ inputTokens: estimate.inputTokens, outputTokens: 0 }), version.prices);
    await ex.finish(gw.records, 200, null);
    sendJson(res, 200, converted ? JSON.stringify(json) : raw, { "x-keel-model-version": version.id });
  } finally {
    lease.settle(ex.usage, ex.costUsd);
  }
}

/**
 * Rewrites `data[].embedding` in place to the wanted encoding (base64 = little-endian float32, as
 * OpenAI sends it) when the provider ignored encoding_format. Returns whether anything changed.
 */
export function matchEncoding(json: Record<string, unknown>, wanted: "float" | "base64"): boolean {
  if (!Array.isArray(json.data)) return false;
  let changed = false;
  for (const item of json.data as { embedding?: unknown }[]) {
    if (wanted === "base64" && Array.isArray(item?.embedding)) {
      item.embedding = Buffer.from(new Float32Array(item.embedding as number[]).buffer).toString("base64");
      changed = true;
    } else if (wanted === "float" && typeof item?.embedding === "string") {
      const bytes = Buffer.from(item.embedding, "base64");
      const copy = new Uint8Array(bytes).buffer;
      item.embedding = Array.from(new Float32Array(copy, 0, Math.floor(bytes.length / 4)));
      changed = true;
    }
  }
  return changed;
}
